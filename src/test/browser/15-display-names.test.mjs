// Display names: bob and carol have them (carol's right-to-left), alice has none. alice sees them on bob's messages
// (the user name in the title), in the people list, as the name of a conversation and its "Seen by" line, in typing,
// and in a search result of the conversation (named by its people, not by its id); a word of a display name finds
// its person in the mention list; a draft stays with its room; the admin renames bob and alice's open page follows. axe
// with the names shown.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  admin, apiClient, assertAccessible, assertNoProblems, env, eventually, newPage, newTenant, sharedBrowser, signIn,
  TEST_TIMEOUT,
} from "./helpers.mjs";

const browser = sharedBrowser();
const BOB = "Bob Brown 🐝";
const CAROL = "كارول";

test("display names instead of user names, wherever a person is shown", { timeout: TEST_TIMEOUT }, async () => {
  const tenant = await newTenant("names", env.alice, { ...env.bob, displayName: BOB }, { ...env.carol, displayName: CAROL });
  const word = `zq${Date.now().toString(36)}`;
  const alice = await newPage(browser());
  await signIn(alice, tenant, env.alice);
  const carol = await apiClient(tenant, env.carol);
  const bob = await newPage(browser());
  try {
    await carol.sendAll("general", ["hello from carol"]);
    await signIn(bob, tenant, env.bob);
    const input = bob.getByLabel("Message #general");
    await input.fill("hello from bob");
    await input.press("Enter");

    const from = alice.locator(".room-pane:not([hidden]) .message-list:not(.outbox) .msg .msg-from");
    await eventually(async () => assert.deepEqual(await from.allTextContents(), [CAROL, BOB]));
    assert.equal(await from.nth(1).getAttribute("title"), `@${env.bob.user}`);
    assert.equal(await from.nth(0).getAttribute("dir"), "auto", "a right-to-left name stays in its box");
    await eventually(async () => assert.ok(
      await alice.getByRole("button", { name: `${BOB}: send a direct message` }).count(), "the people list"));

    // typing, by display name
    await bob.getByLabel("Message #general").pressSequentially("typing", { delay: 20 });
    await eventually(async () => assert.equal(await alice.locator(".typing").textContent(), `${BOB} is typing…`));

    // a word of a display name finds its person in the mention list, shown beside the user name
    await alice.getByLabel("Message #general").fill("@bro");
    await eventually(async () => assert.deepEqual(
      await alice.locator(".mention-option").allTextContents(), [`@${env.bob.user} ${BOB}`]));
    await alice.getByLabel("Message #general").press("Escape");
    await alice.getByLabel("Message #general").fill("a draft for #general");

    // a conversation is named by its people's display names, and a draft stays with its room
    await alice.getByRole("button", { name: `${BOB}: send a direct message` }).click();
    await eventually(async () => assert.equal(await alice.locator("#room-title").textContent(), BOB));
    assert.equal(await alice.getByLabel(`Message ${BOB}`).inputValue(), "", "the draft stayed in #general");
    await eventually(async () => assert.match(await alice.locator(".room-pane:not([hidden]) .edge-text").textContent(),
      /this conversation/));
    await alice.getByLabel(`Message ${BOB}`).fill(`a secret ${word}`);
    await alice.getByLabel(`Message ${BOB}`).press("Enter");
    await eventually(async () => assert.equal(
      await alice.locator(`.dm-list .room-item[data-dm="${BOB}"]`).count(), 1, "the sidebar's conversation"));
    await eventually(async () => assert.equal(await bob.locator(".dm-list .room-item[data-dm=\"alice\"]").count(), 1));
    await bob.locator(".dm-list .room-item[data-dm=\"alice\"] .room-button").click();
    await eventually(async () => assert.equal(await alice.locator(".receipt").textContent(), `Seen by ${BOB}`));

    await alice.locator(".room-item[data-room=\"general\"] .room-button").click();
    assert.equal(await alice.getByLabel("Message #general").inputValue(), "a draft for #general");

    // search: the conversation's result names its people, not `#@…`
    await alice.getByLabel("Search", { exact: true }).fill(word);
    await alice.getByLabel("Search", { exact: true }).press("Enter");
    const result = alice.locator(".search-results .search-result").first();
    await eventually(async () => assert.equal(await result.locator(".search-room").textContent(), BOB));
    assert.equal(await result.locator(".search-from").textContent(), env.alice.user, "alice has no display name");

    // the picker finds a person by a word of their display name
    await alice.getByRole("button", { name: "New message" }).click();
    await alice.getByLabel("New message to").fill("brown");
    await eventually(async () => assert.equal(
      await alice.getByRole("checkbox", { name: `${BOB} (${env.bob.user})` }).count(), 1));
    await alice.getByRole("button", { name: "Cancel" }).click();

    // the admin renames bob: alice's open page follows at once (messages, people, the conversation's name)
    const RENAMED = "Robert Brown";
    await admin("PATCH", `/admin/tenants/${tenant}/users/${env.bob.user}`, { displayName: RENAMED });
    await eventually(async () => assert.deepEqual(await from.allTextContents(), [CAROL, RENAMED]));
    await eventually(async () => assert.equal(
      await alice.locator(`.dm-list .room-item[data-dm="${RENAMED}"]`).count(), 1, "the conversation's name"));
    await assertAccessible(alice, "display names shown");
    assertNoProblems(alice, bob);
  } finally {
    carol.close();
  }
});
