// My messages on their way: stored in the order I typed them across reconnects, kept across a reload while
// unsent, and discarded on request.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  admin, apiClient, assertNoProblems, connectionState, control, env, eventually, expectConnected, joinRoom,
  messageTexts, newPage, newTenant, outboxEntries, pane, send, sharedBrowser, signIn, storedMessages, TEST_TIMEOUT,
  uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

const TYPING_EVERY_MS = 40;
const AT_LEAST = 150;
const OUTAGE_AFTER = 40;
/** messages typed after the page is connected again: the ones that used to overtake the resent ones */
const TYPED_AFTER_RECONNECT = 40;
/**
 * what others said during the outage in another room of alice's: the page catches up on four pages of it after
 * reconnecting, while alice goes on typing in the room in view
 */
const BACKLOG = 2000;

/** Runs in the page: types "ordered 1", "ordered 2", ... into the composer, one every `every` ms, with Enter. */
function typeInPage(every) {
  const input = document.getElementById("composer");
  window.typed = [];
  let until = Infinity;
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  const timer = setInterval(() => {
    if (window.typed.length >= until) {
      clearInterval(timer);
      done(window.typed);
      return;
    }
    const text = `ordered ${window.typed.length + 1}`;
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true }));
    window.typed.push(text);
  }, every);
  /** stops once `count` messages are typed; resolves them */
  window.typeUntil = (count) => {
    until = count;
    return finished;
  };
}

test("messages typed ~40 ms apart across a server restart are stored in the order typed, each once", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("order");
  const busy = uniqueRoom("order-busy");
  const alice = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, busy);
  await joinRoom(alice, room);

  // The outage, while alice goes on typing: the server stops; alice's network is cut so that she stays away
  // while the server starts again and dave fills the other room; then her network is back.
  let outageOver = false;
  const outage = async () => {
    await control("stop");
    await alice.context().setOffline(true);
    await control("start");
    const dave = await apiClient(env.tenantA, env.dave);
    await dave.sendMany(busy, Array.from({ length: BACKLOG }, (_, i) => `backlog ${i + 1}`));
    dave.close();
    await alice.context().setOffline(false);
    outageOver = true;
  };

  // Typing runs in the page, on the page's own clock, as keystrokes do: a message every 40 ms whatever the
  // page is doing (Playwright's round trips would slow it down exactly when the page is busy catching up).
  await alice.evaluate(typeInPage, TYPING_EVERY_MS);
  const typedCount = () => alice.evaluate(() => window.typed.length);
  await eventually(async () => assert.ok(await typedCount() >= OUTAGE_AFTER));
  const outageDone = outage();
  await eventually(async () => assert.ok(outageOver), 60_000);
  await expectConnected(alice);
  const stopAt = Math.max(AT_LEAST, await typedCount() + TYPED_AFTER_RECONNECT);
  const typed = await alice.evaluate((count) => window.typeUntil(count), stopAt);
  await outageDone;
  assert.equal(typed.length, stopAt);

  const reader = await apiClient(env.tenantA, env.bob);
  const stored = async () => (await storedMessages(reader, room)).map((m) => m.text);
  try {
    await eventually(async () => assert.deepEqual(await stored(), typed, "stored in the order typed, none lost, none twice"),
      60_000, 1000);
  } finally {
    reader.close();
  }
  await eventually(async () => assert.deepEqual(await outboxEntries(alice, room), []));
  assert.deepEqual(await messageTexts(alice, room), typed);
  assertNoProblems(alice);
  await alice.context().close();
});

test("a message not sent is still there after a reload, then sent; Discard removes one", { timeout: TEST_TIMEOUT }, async () => {
  // a tenant of its own, suspended meanwhile: the page loads and signs in from its session, but cannot send
  const tenant = await newTenant("outbox", env.alice);
  const room = uniqueRoom("reload");
  const page = await newPage(browser());
  await signIn(page, tenant, env.alice);
  await joinRoom(page, room);
  await send(page, room, "before");
  await eventually(async () => assert.deepEqual(await messageTexts(page, room), ["before"]));

  await admin("POST", `/admin/tenants/${tenant}/suspend`);
  await eventually(async () => assert.equal(await connectionState(page), "suspended"));
  await send(page, room, "kept across the reload");
  await send(page, room, "to be discarded");
  const notSent = [
    { text: "kept across the reload", state: "failed" },
    { text: "to be discarded", state: "failed" },
  ];
  await eventually(async () => assert.deepEqual(await outboxEntries(page, room), notSent));

  // leaving the page warns, and the unsent messages come back with it
  await page.reload();
  assert.equal(page.beforeUnloads, 1, "leaving with unsent messages asks first");
  await eventually(async () => assert.equal(await connectionState(page), "suspended"));
  await eventually(async () => assert.deepEqual(await outboxEntries(page, room), notSent));

  const discarded = pane(page, room).locator(".outbox .msg", { hasText: "to be discarded" });
  await discarded.getByRole("button", { name: "Discard message" }).click();
  assert.deepEqual(await outboxEntries(page, room), [notSent[0]]);

  await admin("POST", `/admin/tenants/${tenant}/resume`);
  await eventually(async () => assert.deepEqual(await messageTexts(page, room), ["before", "kept across the reload"]), 30_000);
  assert.deepEqual(await outboxEntries(page, room), []);
  const reader = await apiClient(tenant, env.alice);
  assert.deepEqual((await storedMessages(reader, room)).map((m) => m.text), ["before", "kept across the reload"]);
  reader.close();

  // nothing unsent: no warning, and nothing comes back after the next reload
  await page.reload();
  assert.equal(page.beforeUnloads, 1);
  await eventually(async () => assert.deepEqual(await messageTexts(page, room), ["before", "kept across the reload"]));
  assert.deepEqual(await outboxEntries(page, room), []);
  assertNoProblems(page);
  await page.context().close();
});

test("logging out forgets the messages not sent: they are not sent when signing in again", { timeout: TEST_TIMEOUT }, async () => {
  const tenant = await newTenant("logout", env.alice);
  const room = uniqueRoom("forget");
  const page = await newPage(browser());
  await signIn(page, tenant, env.alice);
  await joinRoom(page, room);
  await admin("POST", `/admin/tenants/${tenant}/suspend`);
  await eventually(async () => assert.equal(await connectionState(page), "suspended"));
  await send(page, room, "never sent");
  await eventually(async () => assert.deepEqual(await outboxEntries(page, room), [{ text: "never sent", state: "failed" }]));

  await page.getByRole("button", { name: "Log out" }).click();
  await eventually(async () => assert.equal(await page.locator("#login-status").textContent(), "You have logged out."));
  assert.deepEqual(await page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.startsWith("chat."))), []);

  await admin("POST", `/admin/tenants/${tenant}/resume`);
  await signIn(page, tenant, env.alice);
  await joinRoom(page, room);
  assert.deepEqual(await outboxEntries(page, room), []);
  const reader = await apiClient(tenant, env.alice);
  assert.deepEqual(await storedMessages(reader, room), []);
  reader.close();
  assert.equal(page.beforeUnloads, 0);
  assertNoProblems(page);
  await page.context().close();
});
