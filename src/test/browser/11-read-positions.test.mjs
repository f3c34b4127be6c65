// Read positions: unread badges right after sign-in on another device, a "New messages" line where erin stopped
// reading, and a room read on one device no longer unread on the other (room:read, live).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiClient, assertNoProblems, env, eventually, joinRoom, newPage, pane, roomBadge, sharedBrowser, signIn,
  TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

test("unread counts follow erin across devices, with a New messages line", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("unread");
  const elsewhere = uniqueRoom("elsewhere");
  const laptop = await newPage(browser());
  await signIn(laptop, env.tenantA, env.erin);
  await joinRoom(laptop, room);
  await joinRoom(laptop, elsewhere); // the view moves away: room's news are unread

  const frank = await apiClient(env.tenantA, env.frank);
  try {
    // more than a screen: opening the room shows where erin stopped, not the newest
    await frank.sendAll(room, ["one", ...Array.from({ length: 39 }, (_, i) => `more ${i + 2}`)]);
  } finally {
    frank.close();
  }
  await eventually(async () => assert.equal(await roomBadge(laptop, room), "40"));

  // another device, a sign-in of its own: the server's count, right away
  const phone = await newPage(browser());
  await signIn(phone, env.tenantA, env.erin);
  await eventually(async () => assert.equal(await roomBadge(phone, room), "40"));

  // opened there: the line sits above frank's first message, and the laptop's badge goes once it is marked read
  await phone.bringToFront();
  await phone.locator(`.room-list .room-item[data-room="${room}"] .room-button`).click();
  await eventually(async () => {
    const line = pane(phone, room).locator(".new-line");
    assert.equal(await line.count(), 1);
    const next = await line.evaluate((li) => li.nextElementSibling?.querySelector(".msg-text")?.textContent);
    assert.equal(next, "one");
    assert.ok(await line.evaluate((li) => {
      const view = li.closest(".scroller").getBoundingClientRect();
      const at = li.getBoundingClientRect();
      return at.top >= view.top - 1 && at.bottom <= view.bottom + 1;
    }), "the line is in view");
  });
  assert.equal(await roomBadge(phone, room), "");
  await eventually(async () => assert.equal(await roomBadge(laptop, room), ""), 15_000);

  // a third sign-in: nothing unread any more
  const tablet = await newPage(browser());
  await signIn(tablet, env.tenantA, env.erin);
  await eventually(async () => assert.ok(await tablet.locator(`.room-list .room-item[data-room="${room}"]`).count()));
  await tablet.waitForTimeout(500);
  assert.equal(await roomBadge(tablet, room), "");

  assertNoProblems(laptop, phone, tablet);
  for (const page of [laptop, phone, tablet]) await page.context().close();
});

test("a room joined in this tab is marked read as it is read, not only after the next sign-in", { timeout: TEST_TIMEOUT },
  async () => {
    const room = uniqueRoom("fresh");
    const laptop = await newPage(browser());
    await signIn(laptop, env.tenantA, env.erin);
    await joinRoom(laptop, room); // after rooms:mine answered: the server's position here comes with no list
    await laptop.bringToFront();
    const frank = await apiClient(env.tenantA, env.frank);
    try {
      await frank.sendAll(room, ["read here", "and this"]);
    } finally {
      frank.close();
    }
    await eventually(async () => assert.equal(await pane(laptop, room).locator(".msg-text").count(), 2));

    // another device: read on the laptop, so nothing unread here (it showed 2 before)
    const phone = await newPage(browser());
    await eventually(async () => {
      const api = await apiClient(env.tenantA, env.erin);
      try {
        const mine = await api.request("rooms:mine", {});
        assert.equal(mine.rooms.find((r) => r.name === room)?.unread, 0);
      } finally {
        api.close();
      }
    }, 15_000);
    await signIn(phone, env.tenantA, env.erin);
    await eventually(async () => assert.ok(await phone.locator(`.room-list .room-item[data-room="${room}"]`).count()));
    await phone.waitForTimeout(500);
    assert.equal(await roomBadge(phone, room), "");

    assertNoProblems(laptop, phone);
    for (const page of [laptop, phone]) await page.context().close();
  });
