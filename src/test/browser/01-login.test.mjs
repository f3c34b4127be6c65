// Signing in and out: errors people understand, a token for JWT workspaces, the session kept per tab.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  admin, assertNoProblems, connectionState, env, eventually, expectConnected, jwt, newPage, sharedBrowser,
  signIn, TEST_TIMEOUT,
} from "./helpers.mjs";

const browser = sharedBrowser();

async function attempt(page, tenant, user, password) {
  await page.getByLabel("Workspace").fill(tenant);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function status(page) {
  const el = page.locator("#login-status");
  await eventually(async () => assert.doesNotMatch(await el.textContent(), /^(Signing in…)?$/));
  return el.textContent();
}

test("wrong password, unknown tenant and rate limiting each say so", { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser());
  await page.goto(`${env.server}/`);

  await attempt(page, env.tenantA, env.alice.user, "not-the-password");
  assert.equal(await status(page), "Wrong username or password.");

  await attempt(page, "no-such-tenant", env.alice.user, env.alice.password);
  assert.match(await status(page), /no workspace called “no-such-tenant”/);

  // ten failures for one user from this page's own address (from another, the second allowance would let the page
  // try: a guesser elsewhere does not lock the user out), then the eleventh through the form: 429 with Retry-After
  const victim = { user: "nobody-here", password: "wrong-password" };
  const statuses = await page.evaluate(async ({ tenant, user, password }) => {
    const answers = [];
    for (let i = 0; i < 10; i += 1) {
      const response = await fetch(`/api/tenants/${tenant}/sessions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: user, password }),
      });
      answers.push(response.status);
    }
    return answers;
  }, { tenant: env.tenantA, ...victim });
  assert.deepEqual(statuses, Array(10).fill(401));
  await attempt(page, env.tenantA, victim.user, victim.password);
  assert.match(await status(page), /^Too many failed sign-in attempts\. Try again in \d+ s\.$/);

  assert.equal(await page.evaluate(() => sessionStorage.length), 0, "nothing stored after failures");
  assertNoProblems(page);
  await page.context().close();
});

test("the tenant comes from /t/{tenant} or ?tenant=", { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser());
  await page.goto(`${env.server}/?tenant=${env.tenantB}`);
  assert.equal(await page.getByLabel("Workspace").inputValue(), env.tenantB);
  await page.goto(`${env.server}/t/${env.tenantA}`);
  assert.equal(await page.getByLabel("Workspace").inputValue(), env.tenantA);
  await page.context().close();
});

test("a suspended tenant: the open page says so and comes back on resume; signing in is refused", { timeout: TEST_TIMEOUT }, async () => {
  const open = await newPage(browser());
  await signIn(open, env.suspendedTenant, env.erin);
  await admin("POST", `/admin/tenants/${env.suspendedTenant}/suspend`);
  await eventually(async () => assert.equal(await connectionState(open), "suspended"));
  assert.equal(await open.locator("#connection").textContent(), "Workspace suspended");

  const other = await newPage(browser());
  await other.goto(`${env.server}/t/${env.suspendedTenant}`);
  await attempt(other, env.suspendedTenant, env.erin.user, env.erin.password);
  assert.match(await status(other), /“[a-z-]+” is suspended/);

  await admin("POST", `/admin/tenants/${env.suspendedTenant}/resume`);
  await eventually(async () => assert.equal(await connectionState(open), "connected"), 30_000);
  assertNoProblems(open, other);
  await open.context().close();
  await other.context().close();
});

test("sign in, reload keeps the session and rooms, log out ends it", { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser());
  await signIn(page, env.tenantA, env.dave);
  assert.equal(new URL(page.url()).pathname, `/t/${env.tenantA}`);
  assert.doesNotMatch(page.url(), /token/i);
  await page.getByLabel("Join or create a room").fill("restore-me");
  await page.getByLabel("Join or create a room").press("Enter");
  await eventually(async () => assert.equal(await page.locator("#room-title").textContent(), "#restore-me"));

  const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem("chat.session")));
  assert.equal(stored.user, env.dave.user);
  // kept beyond the tab: the workspace's short name only, and a cookie no script can read ("keep me signed in")
  assert.deepEqual(await page.evaluate(() => Object.entries(localStorage)), [["chat.lastTenant", env.tenantA]]);
  assert.equal(await page.evaluate(() => document.cookie), "", "no cookie a script can read");

  await page.reload();
  await expectConnected(page);
  assert.equal(await page.locator("#room-title").textContent(), "#restore-me");
  assert.deepEqual(await page.locator(".room-list .room-name").allTextContents(), ["general", "restore-me"]);

  const token = stored.token;
  await page.getByRole("button", { name: "Log out" }).click();
  await eventually(async () => assert.equal(await page.locator("#login-status").textContent(), "You have logged out."));
  assert.equal(await page.evaluate(() => sessionStorage.getItem("chat.session")), null);
  // the token was revoked on the server
  const history = await fetch(`${env.server}/api/tenants/${env.tenantA}/rooms/general/messages`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(history.status, 401);
  await page.reload();
  await page.getByLabel("Username").waitFor();
  assertNoProblems(page);
  await page.context().close();
});

test("a JWT workspace: paste a token; a bad token is refused clearly", { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser());
  await page.goto(`${env.server}/t/${env.jwtTenant}`);
  // a password on a token workspace points to the token field
  await attempt(page, env.jwtTenant, "zoe", "some-password");
  assert.match(await status(page), /paste your access token/);
  await page.getByLabel("Username").fill("");
  await page.getByLabel("Password").fill("");

  await page.getByLabel("Access token").fill(jwt("zoe", { secret: "x".repeat(40) }));
  await page.getByRole("button", { name: "Sign in" }).click();
  await eventually(async () => assert.match(await page.locator("#login-status").textContent(), /token was not accepted/));

  await page.getByText("Sign in with an access token instead").click();
  await page.getByLabel("Access token").fill(jwt("zoe"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectConnected(page);
  assert.equal(await page.locator(".me-name").textContent(), "zoe");
  assert.equal(await page.getByRole("button", { name: "Change password" }).count(), 0,
    "its identity provider owns the password");
  await page.getByLabel("Message #general").fill("hello from a token");
  await page.getByLabel("Message #general").press("Enter");
  await eventually(async () => assert.equal(
    await page.locator('.msg[data-state="sent"] .msg-text').last().textContent(), "hello from a token"));
  assertNoProblems(page);
  await page.context().close();
});
