// The server restarts under open pages: they show it, reconnect by themselves and fetch exactly what they
// missed (room:join with since, paging forward), with no duplicates and no gaps.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  apiClient, assertNoProblems, connectionState, control, env, eventually, expectConnected, joinRoom, messageSeqs,
  messageTexts, newPage, pane, people, send, sharedBrowser, signIn, TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

test("after a server restart both pages catch up on everything they missed", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("restart");
  const other = uniqueRoom("restart-other");
  const alice = await newPage(browser());
  const bob = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, other);
  await joinRoom(alice, room);
  await signIn(bob, env.tenantA, env.bob);
  await joinRoom(bob, room);
  await send(alice, room, "before the restart");
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room), ["before the restart"]));

  // the server goes away: both pages say they are reconnecting
  await control("stop");
  for (const page of [alice, bob]) {
    await eventually(async () => assert.equal(await connectionState(page), "reconnecting"), 20_000);
    assert.match(await page.locator("#connection").textContent(), /^Reconnecting…/);
  }
  // alice's network is cut too, so that she stays away while the others talk
  await alice.context().setOffline(true);
  await eventually(async () => assert.equal(await connectionState(alice), "offline"));

  await control("start");
  await expectConnected(bob);
  await eventually(async () => assert.deepEqual(await messageTexts(bob, room), ["before the restart"]));
  await send(bob, room, "after the restart, from bob");
  // in the room's pane: bob's other rooms (remembered by the server) have messages of their own
  await eventually(async () => assert.equal(await pane(bob, room).locator('.msg[data-state="sent"]').count(), 2));

  // more than one page of missed messages (the server pages `since` by 500), in both rooms
  const seeder = await apiClient(env.tenantA, env.dave);
  const bulk = Array.from({ length: 520 }, (_, i) => `missed ${i + 1}`);
  await seeder.sendAll(room, bulk);
  await seeder.sendAll(other, ["in the other room"]);
  seeder.close();

  await alice.context().setOffline(false);
  await expectConnected(alice);
  const expected = ["before the restart", "after the restart, from bob", ...bulk];
  await eventually(async () => assert.equal((await messageSeqs(alice, room)).length, expected.length), 30_000);
  const seqs = await messageSeqs(alice, room);
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0] + i), "no gaps, no duplicates");
  assert.deepEqual(await messageTexts(alice, room), expected);
  // the other room caught up too, and counts as unread
  await eventually(async () => assert.equal(
    await alice.locator(`.room-item[data-room="${other}"] .badge`).getAttribute("data-unread"), "1"));

  // live again both ways, and presence is right after the restart
  await send(alice, room, "back online");
  await eventually(async () => assert.equal((await messageTexts(bob, room)).at(-1), "back online"));
  await eventually(async () => assert.deepEqual(await people(alice), { [env.alice.user]: "online", [env.bob.user]: "online" }));
  assert.deepEqual(await messageSeqs(bob, room), await messageSeqs(alice, room));
  assertNoProblems(alice, bob);
  await alice.context().close();
  await bob.context().close();
});

test("a message sent while disconnected fails, then is sent once when the connection is back", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("outage");
  const alice = await newPage(browser());
  await signIn(alice, env.tenantA, env.alice);
  await joinRoom(alice, room);
  await send(alice, room, "one");
  await eventually(async () => assert.equal(await pane(alice, room).locator('.msg[data-state="sent"]').count(), 1));

  await control("stop");
  await eventually(async () => assert.equal(await connectionState(alice), "reconnecting"), 20_000);
  await send(alice, room, "two, typed during the outage");
  const failed = alice.locator('.outbox .msg[data-state="failed"]');
  await eventually(async () => assert.equal(await failed.count(), 1));
  assert.match(await failed.locator(".msg-error").textContent(), /Offline/);
  assert.equal(await failed.getByRole("button", { name: "Retry sending this message" }).count(), 1);

  await control("start");
  await expectConnected(alice);
  await eventually(async () => assert.deepEqual(await messageTexts(alice, room), ["one", "two, typed during the outage"]));
  assert.equal(await alice.locator(".outbox .msg").count(), 0);
  const reader = await apiClient(env.tenantA, env.bob);
  const ack = await reader.request("history:fetch", { room });
  reader.close();
  assert.deepEqual(ack.messages.map((m) => m.text), ["one", "two, typed during the outage"]);
  assertNoProblems(alice);
  await alice.context().close();
});
