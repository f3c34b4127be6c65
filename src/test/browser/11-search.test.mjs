// Search: the box finds a message of my rooms (not of a room I am not in), shows it as text (no markup from a
// message), and a click opens its room at it, loading older history when it is not on screen.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiClient, assertNoProblems, env, eventually, joinRoom, newPage, pane, sharedBrowser, signIn, TEST_TIMEOUT,
  uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

test("alice finds bob's message in her room only, as text, and a click opens it", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("search");
  const secret = uniqueRoom("secret");
  const word = `zq${Date.now().toString(36)}`;
  const needle = `the ${word} is <b>here</b> & <img src=x onerror=alert(1)>`;
  const bob = await apiClient(env.tenantA, env.bob);
  try {
    await bob.sendAll(room, [needle]);
    await bob.sendMany(room, Array.from({ length: 60 }, (_, i) => `filler ${i}`));
    await bob.sendAll(secret, [`${word} in a room alice is not in`]);
    // the official Node client asks too: bob is in both rooms
    const seen = await bob.request("search", { q: word });
    assert.deepEqual(seen.results.map((r) => r.room).sort(), [room, secret].sort());
  } finally {
    bob.close();
  }

  const alice = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  await joinRoom(alice, uniqueRoom("elsewhere"));
  await alice.getByLabel("Search", { exact: true }).fill(word);
  await alice.getByLabel("Search", { exact: true }).press("Enter");
  const results = alice.locator(".search-results .search-result");
  await eventually(async () => assert.equal(await results.count(), 1));
  assert.equal(await results.first().locator(".search-text").textContent(), needle);
  assert.equal(await results.first().locator(".search-room").textContent(), `#${room}`);
  assert.equal(await results.first().locator(".search-from").textContent(), env.bob.user);
  assert.equal(await alice.locator(".search-results b, .search-results img").count(), 0, "no markup from a message");

  // a search sent while another is in flight waits for it (the server refuses a second search of a user in flight)
  await alice.evaluate((word) => {
    const input = document.querySelector("#search-query");
    const form = document.querySelector(".search-form");
    input.value = "zzznowhere";
    form.requestSubmit();
    input.value = word;
    form.requestSubmit();
  }, word);
  const status = alice.locator(".search-status");
  await eventually(async () => assert.equal(await status.textContent(), "1 result"));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  assert.equal(await status.textContent(), "1 result", "not a failure of the second");
  assert.equal(await results.count(), 1);
  assert.equal(await results.first().locator(".search-text").textContent(), needle);

  await results.first().getByRole("button").click();
  await eventually(async () => assert.equal(await alice.locator("#room-title").textContent(), `#${room}`));
  await eventually(async () =>
    assert.equal(await pane(alice, room).locator(".msg.found .msg-text").textContent(), needle), 20_000);

  assertNoProblems(alice);
  await alice.context().close();
});
