// Direct messages: alice starts one with bob from the people list, both write live, bob's unread badge, "Seen by bob"
// under alice's message once he read it; dave (a third user) sees none of it and starts his own from the picker. axe on
// the page with a conversation in view, at desktop and phone width. Hiding a conversation from the sidebar: a new
// message does not bring it back; opening it again from the people list does, with what was written meanwhile.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiClient, assertAccessible, assertNoProblems, env, eventually, newPage, newTenant, sharedBrowser, signIn, TEST_TIMEOUT,
} from "./helpers.mjs";

const browser = sharedBrowser();

/** The conversation with these people in the sidebar's "Direct messages" list. */
function dmItem(page, label) {
  return page.locator(`.dm-list .room-item[data-dm="${label}"]`);
}

async function dmBadge(page, label) {
  const badge = dmItem(page, label).locator(".badge");
  return (await badge.count()) ? (await badge.locator("span").first().textContent()) : "";
}

async function texts(page) {
  return page.locator(".room-pane:not([hidden]) .message-list:not(.outbox) .msg .msg-text").allTextContents();
}

async function write(page, to, text) {
  const input = page.getByLabel(`Message ${to}`);
  await input.fill(text);
  await input.press("Enter");
}

/**
 * alice and bob (and `more` users) signed in on a new tenant, both in the first visit's room: alice messages bob from
 * its people list.
 */
async function aliceMessagesBob(prefix, text, ...more) {
  const tenant = await newTenant(prefix, env.alice, env.bob, ...more);
  const alice = await newPage(browser());
  await signIn(alice, tenant, env.alice);
  const bob = await newPage(browser());
  await signIn(bob, tenant, env.bob);
  await eventually(async () => assert.ok(await alice.getByRole("button", { name: "bob: send a direct message" }).count()));
  await alice.getByRole("button", { name: "bob: send a direct message" }).click();
  await eventually(async () => assert.equal(await alice.locator("#room-title").textContent(), "bob"));
  await write(alice, "bob", text);
  return { tenant, alice, bob };
}

test("a direct message from the people list, live both ways, unread, seen, and no one else's", { timeout: TEST_TIMEOUT }, async () => {
  const { tenant, alice, bob } = await aliceMessagesBob("dm", "hi bob, just between us", env.dave, env.carol);

  // bob: the conversation arrives by itself, unread
  await eventually(async () => assert.equal(await dmBadge(bob, "alice"), "1"));
  await assertAccessible(bob, "a conversation with an unread badge");
  await bob.bringToFront();
  await dmItem(bob, "alice").locator(".room-button").click();
  await eventually(async () => assert.deepEqual(await texts(bob), ["hi bob, just between us"]));
  assert.equal(await dmBadge(bob, "alice"), "");
  await write(bob, "alice", "hi alice");
  await eventually(async () => assert.deepEqual(await texts(alice), ["hi bob, just between us", "hi alice"]));

  // bob read it: alice sees "Seen by bob" under her message
  await eventually(async () => {
    const mine = alice.locator(".room-pane:not([hidden]) .msg.own").last();
    assert.equal(await mine.locator(".receipt").textContent(), "Seen by bob");
  }, 15_000);
  await assertAccessible(alice, "a conversation in view with a receipt");

  // the same people again: the same conversation, not a second one
  await alice.getByRole("button", { name: "bob: send a direct message" }).click().catch(() => {});
  await alice.waitForTimeout(300);
  assert.equal(await alice.locator(".dm-list .room-item").count(), 1);

  // dave sees none of it, and starts his own with alice from the picker, at phone width
  const dave = await newPage(browser(), { width: 390, height: 800 });
  await signIn(dave, tenant, env.dave);
  await dave.getByRole("button", { name: "Rooms" }).click();
  await eventually(async () => assert.equal(await dave.locator(".dm-list .room-item").count(), 0));
  await dave.getByRole("button", { name: "New message" }).click();
  await dave.getByLabel("New message to").fill("al");
  await dave.getByRole("checkbox", { name: "alice" }).check();
  await assertAccessible(dave, "the user picker at phone width");
  await dave.getByRole("button", { name: "Start" }).click();
  await eventually(async () => assert.equal(await dave.locator("#room-title").textContent(), "alice"));
  await write(dave, "alice", "hello from dave");
  assert.equal(await dave.getByText("just between us").count(), 0);
  await eventually(async () => assert.equal(await dmBadge(alice, "dave"), "1"));
  assert.equal(await dmItem(bob, "dave").count(), 0, "bob is not in dave's conversation");
  assert.equal(await bob.getByText("hello from dave").count(), 0);

  // at phone width the closed sidebar's button shows that another room has news
  const rooms = dave.getByRole("button", { name: "Rooms", exact: true });
  assert.equal(await rooms.getAttribute("data-news"), null);
  const carol = await apiClient(tenant, env.carol);
  try {
    await carol.sendAll("general", ["news in #general"]);
  } finally {
    carol.close();
  }
  await eventually(async () => assert.equal(await rooms.getAttribute("data-news"), "unread"));
  assert.equal(await rooms.getAttribute("title"), "Unread messages");

  assertNoProblems(alice, bob, dave);
  for (const page of [alice, bob, dave]) await page.context().close();
});

test("a conversation hidden from the sidebar stays hidden until opened again", { timeout: TEST_TIMEOUT }, async () => {
  const { alice, bob } = await aliceMessagesBob("dmhide", "first");
  await eventually(async () => assert.equal(await dmBadge(bob, "alice"), "1"));

  // bob hides it
  await bob.bringToFront();
  await dmItem(bob, "alice").hover();
  await bob.getByRole("button", { name: "Hide conversation with alice" }).click();
  await eventually(async () => assert.equal(await dmItem(bob, "alice").count(), 0));

  // alice writes again: it does not come back for bob, not even after a reload
  await write(alice, "bob", "are you there?");
  await eventually(async () => assert.deepEqual(await texts(alice), ["first", "are you there?"]));
  await bob.waitForTimeout(1_000);
  assert.equal(await dmItem(bob, "alice").count(), 0, "a new message does not bring it back");
  await bob.reload();
  await eventually(async () => assert.ok(await bob.getByRole("button", { name: "alice: send a direct message" }).count()));
  await bob.waitForTimeout(500);
  assert.equal(await dmItem(bob, "alice").count(), 0, "nor does signing in again");
  assert.equal(await alice.locator(".dm-list .room-item").count(), 1, "alice keeps it");

  // bob opens it again from the people list: back, with what alice wrote meanwhile
  await bob.getByRole("button", { name: "alice: send a direct message" }).click();
  await eventually(async () => assert.equal(await bob.locator("#room-title").textContent(), "alice"));
  await eventually(async () => assert.deepEqual(await texts(bob), ["first", "are you there?"]));
  assert.equal(await dmItem(bob, "alice").count(), 1);
  await write(bob, "alice", "back");
  await eventually(async () => assert.deepEqual(await texts(alice), ["first", "are you there?", "back"]));

  assertNoProblems(alice, bob);
  for (const page of [alice, bob]) await page.context().close();
});
