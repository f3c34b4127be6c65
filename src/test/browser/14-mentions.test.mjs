// Mentions: the composer's autocomplete picks a user, the mention is highlighted for them, counted apart from unread
// in the sidebar (live, then the server's count at another sign-in), a browser notification while the tab is hidden
// (not for my own messages; clicking it opens the room), "Enable notifications" asked once; the quick switcher.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiClient, assertAccessible, assertNoProblems, env, eventually, joinRoom, newPage, pane, sharedBrowser, signIn,
  roomBadge, TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

/**
 * Before the page's scripts: window.Notification wrapped to record what is shown (the real one still runs), and
 * document.hidden / visibilityState that the test sets (window.__setHidden).
 */
function recordNotifications() {
  const Real = window.Notification;
  window.__notifications = [];
  window.Notification = class extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notifications.push({ title, body: options?.body ?? null });
      window.__lastNotification = this;
    }
  };
  let hidden = false;
  Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (hidden ? "hidden" : "visible") });
  window.__setHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  };
}

test("autocomplete, highlight, mention badge, notification while hidden, quick switcher", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("mentions");
  const elsewhere = uniqueRoom("elsewhere");

  const bob = await newPage(browser());
  await bob.context().grantPermissions(["notifications"], { origin: env.server });
  await bob.addInitScript(recordNotifications);
  await signIn(bob, env.tenantA, env.bob);
  await joinRoom(bob, room);
  await joinRoom(bob, elsewhere);

  const alice = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  // bob is in the room (his socket is, whichever room he looks at)
  await eventually(async () => assert.ok((await alice.locator(".people-list .person").allTextContents())
    .some((text) => text.includes(env.bob.user))));

  // typing "@" and the start of bob's name lists him; the textarea points at the active option
  const composer = alice.getByLabel(`Message #${room}`);
  await composer.click();
  await composer.pressSequentially(`hi @${env.bob.user.slice(0, 2)}`);
  const listbox = alice.getByRole("listbox", { name: "Mention someone" });
  await eventually(async () => assert.ok(await listbox.isVisible()));
  const options = await listbox.getByRole("option").evaluateAll((els) => els.map((el) => el.dataset.name));
  assert.ok(options.includes(env.bob.user), `options ${options}`);
  const active = await composer.getAttribute("aria-activedescendant");
  assert.equal(await alice.locator(`#${active}`).getAttribute("aria-selected"), "true");
  await assertAccessible(alice, "mention list open");
  // the arrows move, Enter picks
  const index = options.indexOf(env.bob.user);
  for (let i = 0; i < index; i++) await composer.press("ArrowDown");
  assert.equal(await alice.locator(`#${await composer.getAttribute("aria-activedescendant")}`).getAttribute("data-name"),
    env.bob.user);
  await composer.press("Enter");
  assert.equal(await composer.inputValue(), `hi @${env.bob.user} `);
  assert.equal(await listbox.isVisible(), false);
  // Escape closes it and keeps the text; Enter then sends
  await composer.pressSequentially("look @");
  await eventually(async () => assert.ok(await listbox.isVisible()));
  await composer.press("Escape");
  assert.equal(await listbox.isVisible(), false);
  assert.equal(await composer.inputValue(), `hi @${env.bob.user} look @`);
  await composer.press("Backspace");
  await composer.press("Enter");

  // highlighted for bob (in the room's pane, not in view): the mention is a span of its own, in the message's text
  await eventually(async () => {
    const mention = pane(bob, room).locator(".msg .msg-text .mention-me");
    assert.equal(await mention.count(), 1);
    assert.equal(await mention.textContent(), `@${env.bob.user}`);
  });
  // and not for alice, who is not named
  assert.equal(await pane(alice, room).locator(".mention-me").count(), 0);

  // mentions of bob and of the room are counted apart from unread, live, while he looks elsewhere
  const aliceApi = await apiClient(env.tenantA, env.alice);
  try {
    await aliceApi.sendAll(room, [`@${env.bob.user.toUpperCase()} are you there?`, "no name here", "@room, stand-up",
      `mail ${env.bob.user}@example.com`, `<img src=x onerror=alert(1)> @${env.bob.user}`]);
  } finally {
    aliceApi.close();
  }
  await eventually(async () => {
    assert.equal(await roomBadge(bob, room), "6");
    assert.equal(await roomBadge(bob, room, "mention-badge"), "4");
  });

  // another device of bob's: the server's count, right away
  const phone = await newPage(browser(), { width: 390, height: 800 });
  await signIn(phone, env.tenantA, env.bob);
  await eventually(async () => {
    // the phone's sidebar is a drawer: the list is there, open or not
    assert.equal(await roomBadge(phone, room, "mention-badge"), "4");
    assert.equal(await roomBadge(phone, room), "6");
  });
  // the injected markup is text, highlighted around the mention only
  await phone.locator(`.room-list .room-item[data-room="${room}"] .room-button`).evaluate((b) => b.click());
  await eventually(async () => assert.equal(await pane(phone, room).locator(".mention-me").count(), 3));
  assert.equal(await pane(phone, room).locator(".msg-text img").count(), 0);
  assert.equal(await pane(phone, room).locator(".mention-room").count(), 1);
  // at phone width the mention list and the quick switcher fit the screen and pass axe
  const phoneComposer = phone.getByLabel(`Message #${room}`);
  await phoneComposer.fill("");
  await phoneComposer.pressSequentially("@");
  const phoneList = phone.getByRole("listbox", { name: "Mention someone" });
  await eventually(async () => assert.ok(await phoneList.isVisible()));
  const within = (box) => box.x >= 0 && box.x + box.width <= 390;
  assert.ok(within(await phoneList.boundingBox()), "the mention list within the screen");
  await assertAccessible(phone, "mention list at phone width");
  await phoneComposer.press("Escape");
  await phoneComposer.fill("");
  await phone.keyboard.press("Control+k");
  const phoneDialog = phone.getByRole("dialog", { name: "Go to a room" });
  await eventually(async () => assert.ok(await phoneDialog.isVisible()));
  assert.ok(within(await phoneDialog.boundingBox()), "the switcher within the screen");
  await assertAccessible(phone, "quick switcher at phone width");
  await phone.keyboard.press("Escape");
  await eventually(async () => assert.equal(await phoneDialog.isVisible(), false));

  // a hidden tab is notified of a mention, with plain text; not of other messages, nor of bob's own
  await bob.evaluate(() => window.__setHidden(true));
  const bobElsewhere = await apiClient(env.tenantA, env.bob);
  const alice2 = await apiClient(env.tenantA, env.alice);
  try {
    await bobElsewhere.sendAll(room, [`note to self @${env.bob.user}`]);
    await alice2.sendAll(room, ["nothing for bob", `**@${env.bob.user}** <b>now</b>`]);
  } finally {
    bobElsewhere.close();
    alice2.close();
  }
  await eventually(async () => assert.deepEqual(await bob.evaluate(() => window.__notifications), [
    { title: `${env.alice.user} in #${room}`, body: `**@${env.bob.user}** <b>now</b>` }]));
  assert.equal(await bob.locator("#room-title").textContent(), `#${elsewhere}`);
  // clicking it opens the room
  await bob.evaluate(() => {
    window.__setHidden(false);
    window.__lastNotification.onclick();
  });
  await eventually(async () => assert.equal(await bob.locator("#room-title").textContent(), `#${room}`));
  await eventually(async () => assert.equal(await roomBadge(bob, room, "mention-badge"), ""));

  // the quick switcher: Ctrl+K, filter, Enter opens the room; Escape closes it
  await bob.keyboard.press("Control+k");
  const dialog = bob.getByRole("dialog", { name: "Go to a room" });
  await eventually(async () => assert.ok(await dialog.isVisible()));
  const search = dialog.getByRole("combobox");
  await search.fill(elsewhere.slice(0, -2));
  await eventually(async () => assert.deepEqual(
    await dialog.getByRole("option").evaluateAll((els) => els.map((el) => el.dataset.room)), [elsewhere]));
  await assertAccessible(bob, "quick switcher open");
  await search.press("Enter");
  await eventually(async () => assert.equal(await bob.locator("#room-title").textContent(), `#${elsewhere}`));
  assert.equal(await dialog.isVisible(), false);
  await bob.keyboard.press("Control+k");
  await eventually(async () => assert.ok(await dialog.isVisible()));
  await bob.keyboard.press("Escape");
  await eventually(async () => assert.equal(await dialog.isVisible(), false));
  assert.equal(await bob.locator("#room-title").textContent(), `#${elsewhere}`);

  // an edit that names bob counts, live, by the message's latest text
  const editor = await apiClient(env.tenantA, env.alice);
  try {
    const [plain] = await editor.sendAll(room, ["see the notes"]);
    await eventually(async () => assert.equal(await roomBadge(bob, room), "1"));
    assert.equal(await roomBadge(bob, room, "mention-badge"), "");
    await editor.request("message:edit", { room, seq: plain.seq, text: `see the notes, @${env.bob.user}` });
    await eventually(async () => assert.equal(await roomBadge(bob, room, "mention-badge"), "1"));
  } finally {
    editor.close();
  }

  assertNoProblems(alice, bob, phone);
  for (const page of [alice, bob, phone]) await page.context().close();
});

test("Enable notifications is asked once, on a click, and remembered", { timeout: TEST_TIMEOUT }, async () => {
  const page = await newPage(browser());
  await page.addInitScript(() => {
    // the browser's prompt, answered as a person who allows it; counted
    window.__asked = 0;
    Object.defineProperty(Notification, "permission", { configurable: true, get: () => window.__answer ?? "default" });
    Notification.requestPermission = async () => {
      window.__asked += 1;
      window.__answer = "granted";
      return "granted";
    };
  });
  await signIn(page, env.tenantA, env.dave);
  const enable = page.getByRole("button", { name: "Enable notifications" });
  assert.ok(await enable.isVisible());
  assert.equal(await page.evaluate(() => window.__asked), 0, "never asked without a click");
  await enable.click();
  await eventually(async () => assert.equal(await enable.isVisible(), false));
  assert.equal(await page.evaluate(() => window.__asked), 1);
  // a reload (the browser's permission reads "default" again here): the answer is remembered, not asked again
  await page.reload();
  await eventually(async () => assert.equal(await page.locator("#connection").getAttribute("data-state"), "connected"));
  assert.equal(await page.locator(".notify-enable").count(), 1);
  assert.equal(await page.locator(".notify-enable").isVisible(), false);
  assert.equal(await page.getByRole("button", { name: "Enable notifications" }).count(), 0);
  assertNoProblems(page);
  await page.context().close();
});
