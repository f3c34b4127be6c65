// The page's tenant from its URL, without a browser.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tenantFromLocation } from "../../main/web/src/names.js";

const at = (pathname, search = "") => ({ pathname, search });

test("the tenant comes from /t/<tenant> or ?tenant=, when it is a valid name", () => {
  assert.equal(tenantFromLocation(at("/t/acme")), "acme");
  assert.equal(tenantFromLocation(at("/t/acme/")), "acme");
  assert.equal(tenantFromLocation(at("/", "?tenant=acme")), "acme");
  assert.equal(tenantFromLocation(at("/t/ACME")), null);
  assert.equal(tenantFromLocation(at("/")), null);
});

// a hostile review: decodeURIComponent threw on these and the page stayed on "Loading…"
test("a path that is not valid percent-encoding names no tenant, and does not throw", () => {
  for (const path of ["/t/%FF", "/t/%80", "/t/%C0%AF", "/t/%"]) {
    assert.equal(tenantFromLocation(at(path)), null, path);
  }
});
