// Message markup and flow: bold, code and links shown as such (links open apart, without opener), raw HTML as text;
// a sender's consecutive messages grouped under one name, the day shown once above them.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertNoProblems, env, eventually, joinRoom, messageTexts, newPage, pane, send, sharedBrowser, signIn,
  TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

test("markup renders as elements for the reader, links are safe, messages are grouped by sender and day",
  { timeout: TEST_TIMEOUT }, async () => {
    const room = uniqueRoom("markup");
    const alice = await newPage(browser());
    const bob = await newPage(browser());
    await signIn(alice, env.tenantA, env.alice);
    await joinRoom(alice, room);
    await signIn(bob, env.tenantA, env.bob);
    await joinRoom(bob, room);

    await send(alice, room, "**ship it** with `npm ci` see https://example.com/docs");
    await send(alice, room, "<b>not bold</b> [x](javascript:alert(1))");
    await eventually(async () => assert.equal((await messageTexts(bob, room)).length, 2));

    const messages = pane(bob, room).locator(".message-list:not(.outbox) .msg");
    const first = messages.nth(0).locator(".msg-text");
    assert.equal(await first.locator("strong").textContent(), "ship it");
    assert.equal(await first.locator("code").textContent(), "npm ci");
    const link = first.locator("a");
    assert.equal(await link.getAttribute("href"), "https://example.com/docs");
    assert.equal(await link.getAttribute("target"), "_blank");
    assert.match(await link.getAttribute("rel"), /noopener/);
    const second = messages.nth(1).locator(".msg-text");
    assert.equal(await second.textContent(), "<b>not bold</b> [x](javascript:alert(1))");
    assert.equal(await second.locator("b, a, strong").count(), 0);

    // one day separator ("Today") above the first; the second joins alice's group
    assert.equal(await messages.nth(0).locator(".day-divider").isVisible(), true);
    assert.equal(await messages.nth(0).locator(".day-divider").textContent(), "Today");
    assert.equal(await messages.nth(1).locator(".day-divider").isVisible(), false);
    assert.equal(await messages.nth(1).evaluate((li) => li.classList.contains("continued")), true);
    assertNoProblems(alice, bob);
  });
