// What the server hands out as the web client: the bundle, and not its source map (the readable sources).
import assert from "node:assert/strict";
import { test } from "node:test";
import { env } from "./helpers.mjs";

test("the bundle is served without a source map", async () => {
  const bundle = await fetch(`${env.server}/app.js`);
  assert.equal(bundle.status, 200);
  assert.ok(!(await bundle.text()).includes("sourceMappingURL"), "the bundle names no source map");
  const map = await fetch(`${env.server}/app.js.map`);
  assert.equal(map.status, 404);
  await map.body?.cancel();
});
