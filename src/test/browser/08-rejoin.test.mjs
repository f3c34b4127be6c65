// Many rooms against the per-user event limit: a reload or a reconnect rejoins every room, and a `rate_limited`
// answer is "not now", never "leave the room" (nor "joined" when it was not).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import {
  admin, apiClient, assertNoProblems, control, env, eventually, expectConnected, newPage, pane, send, sharedBrowser,
  signIn, storedMessages, TEST_TIMEOUT,
} from "./helpers.mjs";

const browser = sharedBrowser();

const ROOMS = 60;
/** far below the defaults (50/s, 200): 60 rooms are three times the burst, as 300 rooms are with the defaults */
const LIMITS = { eventsPerSecond: 5, eventBurst: 20 };
const SETTLE_MS = 90_000;

async function limitedTenant() {
  const id = `rejoin-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
  await admin("POST", "/admin/tenants", { id, auth: { type: "password" }, limits: LIMITS });
  for (const { user, password } of [env.alice, env.dave]) {
    await admin("POST", `/admin/tenants/${id}/users`, { username: user, password });
  }
  return id;
}

async function roomNames(page) {
  return page.locator(".room-list .room-item").evaluateAll((items) => items.map((li) => li.dataset.room));
}

async function expectAllJoined(page, rooms) {
  await eventually(async () => {
    assert.deepEqual(await roomNames(page), rooms);
    const joining = await page.locator(".room-pane .edge-text").evaluateAll((els) => els.filter((el) => /Joining/.test(el.textContent)).length);
    assert.equal(joining, 0, "every room joined");
  }, SETTLE_MS, 500);
}

test("a reload with 60 rooms past the event limit keeps every room and sends the unsent message", { timeout: TEST_TIMEOUT }, async () => {
  const tenant = await limitedTenant();
  const rooms = Array.from({ length: ROOMS }, (_, i) => `room-${i + 1}`);
  const last = rooms[ROOMS - 1];
  const alice = await newPage(browser());
  await signIn(alice, tenant, env.alice);
  // the first visit's #general is remembered by the server (and would come back with the reload): left first
  await alice.getByRole("button", { name: "Leave #general" }).click();
  await eventually(async () => assert.deepEqual(await roomNames(alice), []));
  const watcher = await apiClient(tenant, env.dave);
  try {
    await eventually(async () => assert.deepEqual((await watcher.request("rooms:directory", {})).rooms, []));
  } finally {
    watcher.close();
  }
  // the tab remembers 60 rooms and a message to the last one not sent yet (as after a reload)
  await alice.evaluate(({ tenant, rooms, entry }) => {
    sessionStorage.setItem(`chat.rooms.${tenant}`, JSON.stringify(rooms));
    sessionStorage.setItem(`chat.view.${tenant}`, JSON.stringify(rooms[0]));
    sessionStorage.setItem(`chat.outbox.${tenant}`, JSON.stringify({ user: "alice", entries: [entry] }));
  }, { tenant, rooms, entry: { clientId: randomUUID(), room: last, text: "kept through the reload", createdAt: new Date().toISOString(),
    state: "pending", error: null, code: null, refused: false } });
  await alice.reload();
  await expectConnected(alice);
  await expectAllJoined(alice, rooms);

  const dave = await apiClient(tenant, env.dave);
  try {
    await eventually(async () => assert.deepEqual((await storedMessages(dave, last)).map((m) => m.text), ["kept through the reload"]),
      SETTLE_MS, 500);

    // Item 2: a reconnection catches up on every room (room:join with since), past the limit again. A room whose
    // catch-up was refused is not joined: my message to it waits for the join, it is not refused `forbidden`.
    await control("stop");
    await alice.locator(`.room-list .room-item[data-room="${last}"] .room-button`).click();
    await send(alice, last, "typed while the server was away");
    await alice.locator(`.room-list .room-item[data-room="${rooms[0]}"] .room-button`).click();
    await control("start");
    // another client of alice's spends her event budget while the page reconnects: its catch-ups are refused
    const burner = await apiClient(tenant, env.alice);
    const burning = setInterval(() => burner.socket.emit("rooms:list", {}, () => {}), 50);
    try {
      await expectConnected(alice);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    } finally {
      clearInterval(burning);
      burner.close();
    }
    await expectAllJoined(alice, rooms);
    const again = await apiClient(tenant, env.dave);
    try {
      await eventually(async () => assert.deepEqual((await storedMessages(again, last)).map((m) => m.text),
        ["kept through the reload", "typed while the server was away"]), SETTLE_MS, 500);
    } finally {
      again.close();
    }
    assert.equal(await pane(alice, last).locator(".outbox .msg").count(), 0, "nothing left Not sent");
  } finally {
    dave.close();
  }
  assertNoProblems(alice);
});
