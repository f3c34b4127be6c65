// Editing and deleting one's own messages, seen live by a second person and after a reload.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertNoProblems, env, eventually, joinRoom, messageTexts, newPage, pane, send, sharedBrowser, signIn,
  TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

/** The state of each stored message shown: "sent", "edited" or "deleted". */
async function states(page, room) {
  return pane(page, room).locator(".message-list:not(.outbox) .msg")
    .evaluateAll((items) => items.map((li) => li.dataset.state));
}

test("alice edits and deletes her messages; bob sees it live and after a reload", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("edits");
  const alice = await newPage(browser());
  const bob = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  await signIn(bob, env.tenantA, env.bob);
  await joinRoom(bob, room);

  await send(alice, room, "Teh demo is at 3");
  await send(alice, room, "Wrong room, sorry");
  await send(bob, room, "ok");
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room),
    ["Teh demo is at 3", "Wrong room, sorry", "ok"]));
  await eventually(async () => assert.deepEqual(await messageTexts(alice, room),
    ["Teh demo is at 3", "Wrong room, sorry", "ok"]));

  // bob's message has no Edit or Delete for alice; hers do
  const aliceMessages = pane(alice, room).locator(".message-list:not(.outbox) .msg");
  assert.equal(await aliceMessages.nth(2).getByRole("button", { name: "Edit this message" }).count(), 0);

  // the Edit button puts the text in the composer; Enter saves
  await aliceMessages.nth(0).hover();
  await aliceMessages.nth(0).getByRole("button", { name: "Edit this message" }).click();
  const composer = alice.getByLabel(`Message #${room}`);
  assert.equal(await composer.inputValue(), "Teh demo is at 3");
  await composer.fill("The demo is at 3");
  await composer.press("Enter");
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room),
    ["The demo is at 3", "Wrong room, sorry", "ok"]));
  await eventually(async () => assert.deepEqual(await states(bob, room), ["edited", "sent", "sent"]));
  assert.equal(await pane(bob, room).locator(".msg-edited").first().textContent(), "(edited)");
  assert.equal(await composer.inputValue(), "", "the composer is empty again");

  // up arrow in the empty composer edits my last message; Escape cancels, leaving it as it was
  await composer.press("ArrowUp");
  assert.equal(await composer.inputValue(), "Wrong room, sorry");
  await composer.press("Escape");
  assert.equal(await composer.inputValue(), "");
  await composer.press("ArrowUp");
  await composer.fill("Right room after all");
  await composer.press("Enter");
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room),
    ["The demo is at 3", "Right room after all", "ok"]));

  // Delete asks first; "Cancel" keeps the message, OK deletes it for everyone
  alice.removeAllListeners("dialog");
  const asked = [];
  let answer = false;
  alice.on("dialog", async (dialog) => {
    asked.push(dialog.message());
    await (answer ? dialog.accept() : dialog.dismiss());
  });
  await aliceMessages.nth(1).hover();
  await aliceMessages.nth(1).getByRole("button", { name: "Delete this message" }).click();
  await eventually(async () => assert.equal(asked.length, 1));
  answer = true;
  await aliceMessages.nth(1).hover();
  await aliceMessages.nth(1).getByRole("button", { name: "Delete this message" }).click();
  await eventually(async () => assert.deepEqual(await states(bob, room), ["edited", "deleted", "sent"]));
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room),
    ["The demo is at 3", "Message deleted", "ok"]));
  await eventually(async () => assert.deepEqual(await states(alice, room), ["edited", "deleted", "sent"]));
  assert.equal(asked.length, 2);

  // bob away (his tab on another page): alice edits again; bob back, signed in still, sees the latest state
  await bob.goto("about:blank");
  await aliceMessages.nth(0).hover();
  await aliceMessages.nth(0).getByRole("button", { name: "Edit this message" }).click();
  await composer.fill("The demo is at 4");
  await composer.press("Enter");
  await eventually(async () => assert.deepEqual(await messageTexts(alice, room),
    ["The demo is at 4", "Message deleted", "ok"]));
  await bob.goto(`${env.server}/t/${env.tenantA}`);
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room),
    ["The demo is at 4", "Message deleted", "ok"]));
  assert.deepEqual(await states(bob, room), ["edited", "deleted", "sent"]);

  assert.deepEqual(alice.problems, []);
  assertNoProblems(bob);
  await alice.context().close();
  await bob.context().close();
});
