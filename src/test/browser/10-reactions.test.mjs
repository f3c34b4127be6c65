// Reactions: picked from the picker, toggled on a chip, counts and who shown to both people live and after a reload.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  aliceAndBobInRoom, assertNoProblems, env, eventually, messageTexts, pane, send, sharedBrowser, TEST_TIMEOUT,
} from "./helpers.mjs";

const browser = sharedBrowser();

/** The chips of the first message: [{text, who, mine}]. */
async function chips(page, room) {
  return pane(page, room).locator(".message-list:not(.outbox) .msg").first().locator(".reaction")
    .evaluateAll((items) => items.map((b) => ({ text: b.textContent, who: b.title, mine: b.getAttribute("aria-pressed") === "true" })));
}

test("bob reacts to alice's message, alice adds hers, bob takes his back", { timeout: TEST_TIMEOUT }, async () => {
  const { room, alice, bob } = await aliceAndBobInRoom(browser(), "react");
  await send(alice, room, "Release at 5?");
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room), ["Release at 5?"]));

  const bobMessage = pane(bob, room).locator(".message-list:not(.outbox) .msg").first();
  await bobMessage.getByRole("button", { name: "Add a reaction" }).click();
  await bobMessage.getByRole("button", { name: "React with 👍" }).click();
  await eventually(async () => assert.deepEqual(await chips(alice, room), [{ text: "👍 1", who: env.bob.user, mine: false }]));
  await eventually(async () => assert.deepEqual(await chips(bob, room), [{ text: "👍 1", who: env.bob.user, mine: true }]));

  // alice adds hers with the chip itself (keyboard)
  const aliceChip = pane(alice, room).locator(".reaction").first();
  await aliceChip.focus();
  await alice.keyboard.press("Enter");
  const both = `${env.bob.user}, ${env.alice.user}`;
  await eventually(async () => assert.deepEqual(await chips(bob, room), [{ text: "👍 2", who: both, mine: true }]));
  await eventually(async () => assert.deepEqual(await chips(alice, room), [{ text: "👍 2", who: both, mine: true }]));

  // bob takes his back
  await pane(bob, room).locator(".reaction").first().click();
  await eventually(async () => assert.deepEqual(await chips(alice, room), [{ text: "👍 1", who: env.alice.user, mine: true }]));

  // after a reload, from history
  await bob.reload();
  await eventually(async () => assert.deepEqual(await chips(bob, room), [{ text: "👍 1", who: env.alice.user, mine: false }]));

  assertNoProblems(alice, bob);
  await alice.context().close();
  await bob.context().close();
});
