// Two people chatting in one room, each in their own browser context.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  admin, apiClient, assertNoProblems, env, eventually, joinRoom, messageSeqs, messageTexts, newPage, pane, people,
  send, sharedBrowser, signIn, TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

test("alice and bob see each other's messages, typing and presence", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("team");
  const alice = await newPage(browser());
  // bob lives in India, in British English: his page shows times in his time zone
  const bob = await newPage(browser(), { timezoneId: "Asia/Kolkata", locale: "en-GB" });
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  await signIn(bob, env.tenantA, env.bob);

  // bob finds the room among the active rooms and joins it from there
  await bob.getByRole("button", { name: "Refresh the room directory" }).click();
  await bob.getByRole("button", { name: new RegExp(`^Join #${room} \\(1 person\\)$`) }).click();
  await eventually(async () => assert.equal(await bob.locator("#room-title").textContent(), `#${room}`));

  // presence: each sees the other in the room
  await eventually(async () => assert.deepEqual(await people(alice), { [env.alice.user]: "online", [env.bob.user]: "online" }));
  await eventually(async () => assert.deepEqual(await people(bob), { [env.alice.user]: "online", [env.bob.user]: "online" }));

  // messages both ways; the sender's own message turns "sent"
  await send(alice, room, "Hi Bob! Ready for the demo?");
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room), ["Hi Bob! Ready for the demo?"]));
  await eventually(async () => assert.equal(
    await pane(alice, room).locator('.msg[data-state="sent"] .msg-status').last().textContent(), "✓ Sent"));
  assert.equal(await pane(alice, room).locator(".outbox .msg").count(), 0, "nothing left pending");

  // typing: bob types, alice sees "bob is typing…", then it goes away after bob stops
  await bob.getByLabel(`Message #${room}`).pressSequentially("Almost", { delay: 30 });
  await eventually(async () => assert.equal(await alice.locator(".typing").textContent(), `${env.bob.user} is typing…`));
  await bob.getByLabel(`Message #${room}`).press("Enter");
  await eventually(async () => assert.deepEqual(await messageTexts(alice, room), ["Hi Bob! Ready for the demo?", "Almost"]));
  await eventually(async () => assert.equal(await alice.locator(".typing").textContent(), ""));

  // timestamps: the UTC instant in datetime, shown in the reader's local time
  const time = pane(bob, room).locator(".msg time").first();
  const ts = await time.getAttribute("datetime");
  assert.match(ts, /Z$/);
  const local = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Kolkata" });
  assert.equal(await time.textContent(), local.format(new Date(ts)));

  // seqs in order, both sides agree
  assert.deepEqual(await messageSeqs(alice, room), await messageSeqs(bob, room));

  // bob leaves the room: alice sees him as having left; bob closes the tab: alice sees him offline
  await bob.getByRole("button", { name: `Leave #${room}` }).click();
  await eventually(async () => assert.equal((await people(alice))[env.bob.user], "away"));
  await bob.context().close();
  await eventually(async () => assert.equal((await people(alice))[env.bob.user], "offline"));

  assertNoProblems(alice);
  await alice.context().close();
});

test("a script message is shown literally and runs nothing", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("xss");
  const payload = "<img src=x onerror=alert(1)>";
  const alice = await newPage(browser());
  const bob = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  await signIn(bob, env.tenantA, env.bob);
  await joinRoom(bob, room);

  await send(alice, room, payload);
  await send(alice, room, "<script>alert(2)</script> & <b>bold</b>");
  for (const page of [alice, bob]) {
    await eventually(async () => assert.deepEqual(await messageTexts(page, room),
      [payload, "<script>alert(2)</script> & <b>bold</b>"]));
    assert.equal(await pane(page, room).locator(".msg-text img, .msg-text script, .msg-text b").count(), 0);
  }
  // a room name and a user-supplied announcement are text too
  await admin("POST", `/admin/tenants/${env.tenantA}/announcements`, { text: "<img src=y onerror=alert(3)> Maintenance at 18:00" });
  for (const page of [alice, bob]) {
    await eventually(async () => assert.equal(await page.locator(".announcement-text").first().textContent(),
      "<img src=y onerror=alert(3)> Maintenance at 18:00"));
    assert.equal(await page.locator(".announcements img").count(), 0);
  }
  await alice.getByRole("button", { name: "Dismiss announcement" }).first().click();
  assert.equal(await alice.locator(".announcement").count(), 0);
  // give a stray handler a moment to fire, then check no dialog opened
  await alice.waitForTimeout(500);
  assertNoProblems(alice, bob);
  await alice.context().close();
  await bob.context().close();
});

test("history: the last 50 on join, older pages on scrolling up, the same after a reload", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("history");
  const seeder = await apiClient(env.tenantA, env.bob);
  const texts = Array.from({ length: 120 }, (_, i) => `history message ${i + 1}`);
  await seeder.sendAll(room, texts);
  seeder.close();

  const alice = await newPage(browser(), { height: 700 });
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  await eventually(async () => assert.equal((await messageSeqs(alice, room)).length, 50));
  assert.deepEqual(await messageSeqs(alice, room), Array.from({ length: 50 }, (_, i) => 71 + i));

  // scroll to the top until everything is there
  const scroller = pane(alice, room).locator(".scroller");
  await eventually(async () => {
    await scroller.evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event("scroll")); });
    assert.equal((await messageSeqs(alice, room)).length, 120);
  }, 20_000, 300);
  assert.deepEqual(await messageTexts(alice, room), texts);
  await eventually(async () => assert.equal(await pane(alice, room).locator(".edge-text").textContent(),
    `This is the beginning of #${room}.`));

  // a reload: signed in again from sessionStorage, the room rejoined, its newest 50 shown, older on demand
  await alice.reload();
  await eventually(async () => assert.equal((await messageSeqs(alice, room)).length, 50));
  assert.equal(await alice.locator("#room-title").textContent(), `#${room}`);
  // the button, as a keyboard user would; scrolling it into view may start loading by itself (then the
  // button gives way to "Loading older messages…"): either way one or two pages come, contiguous
  await pane(alice, room).getByRole("button", { name: "Load older messages" }).click({ timeout: 3000 })
    .catch(() => {});
  await eventually(async () => assert.ok((await messageSeqs(alice, room)).length >= 100), 20_000, 300);
  const seqs = await messageSeqs(alice, room);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => 121 - seqs.length + i));
  assertNoProblems(alice);
  await alice.context().close();
});

test("unread counts on rooms not in view", { timeout: TEST_TIMEOUT }, async () => {
  const quiet = uniqueRoom("quiet");
  const busy = uniqueRoom("busy");
  const alice = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, busy);
  await joinRoom(alice, quiet);
  const seeder = await apiClient(env.tenantA, env.bob);
  await seeder.sendAll(busy, ["one", "two", "three"]);
  seeder.close();
  const badge = alice.locator(`.room-item[data-room="${busy}"] .badge`);
  await eventually(async () => assert.equal(await badge.getAttribute("data-unread"), "3"));
  // the title counts every room's unread: busy's 3, and what the server still counts unread for alice in rooms of
  // earlier scenarios (read positions: a page that never had focus marked nothing read)
  await eventually(async () => {
    const badges = await alice.locator(".room-item .badge").evaluateAll((els) => els.map((el) => Number(el.dataset.unread)));
    const total = badges.reduce((sum, n) => sum + n, 0);
    assert.ok(total >= 3);
    assert.match(await alice.title(), new RegExp(`^\\(${total}\\) `));
  });
  await alice.locator(`.room-item[data-room="${busy}"] .room-button`).click();
  await eventually(async () => assert.equal(await badge.count(), 0));
  assert.deepEqual(await messageTexts(alice, busy), ["one", "two", "three"]);
  assertNoProblems(alice);
  await alice.context().close();
});

test("a refused message shows Retry, and the retry sends it once with the same clientId", { timeout: TEST_TIMEOUT }, async () => {
  // the slow tenant allows one message per second with a burst of one
  const room = uniqueRoom("retry");
  const frank = await newPage(browser());
  await signIn(frank, env.slowTenant, env.frank);
  await joinRoom(frank, room);
  await send(frank, room, "first");
  await send(frank, room, "second");
  const failed = pane(frank, room).locator('.outbox .msg[data-state="failed"]');
  await eventually(async () => assert.equal(await failed.count(), 1));
  assert.equal(await failed.locator(".msg-text").textContent(), "second");
  assert.match(await failed.locator(".msg-error").textContent(), /too fast/);
  const clientId = await failed.getAttribute("data-client-id");
  assert.match(clientId, /^[0-9a-f-]{36}$/);

  await eventually(async () => {
    const retry = pane(frank, room).getByRole("button", { name: "Retry sending this message" });
    if (await retry.count()) await retry.click();
    assert.deepEqual(await messageTexts(frank, room), ["first", "second"]);
  }, 20_000, 1200);
  assert.equal(await pane(frank, room).locator(".outbox .msg").count(), 0);

  // what the server stored: each message once
  const reader = await apiClient(env.slowTenant, env.frank);
  const ack = await reader.request("history:fetch", { room });
  reader.close();
  assert.deepEqual(ack.messages.map((m) => m.text), ["first", "second"]);
  assertNoProblems(frank);
  await frank.context().close();
});

test("keyboard only: sign in, join a room and send with Enter", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("keys");
  const page = await newPage(browser());
  await page.goto(`${env.server}/t/${env.tenantA}`);
  // focus starts in the username field; Tab order: username, password, token, sign in
  assert.equal(await page.evaluate(() => document.activeElement.id), "username");
  await page.keyboard.type(env.dave.user);
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "password");
  await page.keyboard.type(env.dave.password);
  await page.keyboard.press("Enter");
  await eventually(async () => assert.equal(await page.locator("#connection").getAttribute("data-state"), "connected"));
  // the composer has the focus; Shift+Tab walks back through the sidebar to the join field
  assert.equal(await page.evaluate(() => document.activeElement.id), "composer");
  await page.getByLabel("Join or create a room").focus();
  await page.keyboard.type(room);
  await page.keyboard.press("Enter");
  await eventually(async () => assert.equal(await page.locator("#room-title").textContent(), `#${room}`));
  assert.equal(await page.evaluate(() => document.activeElement.id), "composer");
  await page.keyboard.type("typed line one");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type("line two");
  await page.keyboard.press("Enter");
  await eventually(async () => assert.deepEqual(await messageTexts(page, room), ["typed line one\nline two"]));

  // every form control has an accessible name
  const unnamed = await page.evaluate(() => [...document.querySelectorAll("button, input, textarea")]
    .filter((el) => !el.hidden && !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim()))
    .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unnamed, []);
  assertNoProblems(page);
  await page.context().close();
});

test("phone width: one column, rooms and people in drawers, nothing wider than the screen", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("phone");
  const page = await newPage(browser(), { width: 375, height: 740, isMobile: true, hasTouch: true });
  await signIn(page, env.tenantA, env.dave);
  const rooms = page.getByRole("button", { name: "Rooms", exact: true });
  assert.equal(await page.locator("#sidebar").isVisible(), false);
  await rooms.click();
  assert.equal(await rooms.getAttribute("aria-expanded"), "true");
  assert.equal(await page.locator("#sidebar").isVisible(), true);
  await joinRoom(page, room);
  assert.equal(await page.locator("#sidebar").isVisible(), false, "the drawer closes once a room is chosen");
  await send(page, room, "a message long enough to wrap on a phone screen, which must never scroll sideways at all");
  // in the room's pane: the user's other rooms (remembered by the server) have messages of their own
  await eventually(async () => assert.equal(await pane(page, room).locator('.msg[data-state="sent"]').count(), 1));
  await page.getByRole("button", { name: "People", exact: true }).click();
  await eventually(async () => assert.deepEqual(await people(page), { [env.dave.user]: "online" }));
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#people").isVisible(), false);
  assert.deepEqual(await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]), [375, 375]);
  assert.equal(await page.locator("#connection").isVisible(), true, "the connection state stays visible");
  assertNoProblems(page);
  await page.context().close();
});
