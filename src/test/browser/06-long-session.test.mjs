// Two people chatting for longer than every server timer (the upgrade timeout, three ping intervals, the
// connect timeout), with the web client's own Socket.IO options: polling first, then the upgrade to WebSocket.
// The connection must stay up the whole time: no "Reconnecting", one WebSocket never closed, nothing lost.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertNoProblems, connectionStates, env, eventually, joinRoom, messageTexts, newPage, recordConnectionStates, send,
  sharedBrowser, signIn, TEST_TIMEOUT, uniqueRoom,
} from "./helpers.mjs";

const browser = sharedBrowser();

/** longer than 3 ping intervals of 25 s, and than the 10 s upgrade timeout */
const CHAT_FOR_MS = 80_000;
const MESSAGE_EVERY_MS = 3_000;

/**
 * Watches the page's Engine.IO traffic: the WebSockets it opens (did it complete the upgrade with "5", did one
 * close) and its polling requests after the upgrade.
 */
function watchTransport(page) {
  const seen = { sockets: [], pollsAfterUpgrade: 0 };
  page.on("websocket", (ws) => {
    if (!ws.url().includes("/socket.io/")) return;
    const socket = { url: ws.url(), upgraded: false, closed: false, messagesReceived: 0 };
    ws.on("framesent", ({ payload }) => {
      if (payload === "5") socket.upgraded = true;
    });
    ws.on("framereceived", ({ payload }) => {
      if (typeof payload === "string" && payload.startsWith('42/') && payload.includes('["message"')) socket.messagesReceived += 1;
    });
    ws.on("close", () => {
      socket.closed = true;
    });
    seen.sockets.push(socket);
  });
  page.on("request", (request) => {
    if (request.url().includes("transport=polling") && seen.sockets.some((s) => s.upgraded)) seen.pollsAfterUpgrade += 1;
  });
  return seen;
}

test("two users chat for over a minute over one upgraded WebSocket that never drops", { timeout: TEST_TIMEOUT }, async () => {
  const room = uniqueRoom("long");
  const alice = await newPage(browser());
  const bob = await newPage(browser());
  const pages = { alice, bob };
  const transports = {};
  for (const [name, page] of Object.entries(pages)) {
    await recordConnectionStates(page);
    transports[name] = watchTransport(page);
  }
  await signIn(alice, env.tenantA, env.alice);
  await signIn(bob, env.tenantA, env.bob);
  await joinRoom(alice, room);
  await joinRoom(bob, room);
  for (const seen of Object.values(transports)) {
    await eventually(async () => assert.ok(seen.sockets.some((s) => s.upgraded), "upgraded to WebSocket"));
  }

  const expected = [];
  const started = Date.now();
  for (let i = 1; Date.now() - started < CHAT_FOR_MS; i += 1) {
    const [who, page] = i % 2 ? ["alice", alice] : ["bob", bob];
    const text = `${who} says ${i}`;
    await send(page, room, text);
    expected.push(text);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + i * MESSAGE_EVERY_MS - Date.now())));
  }
  for (const page of [alice, bob]) {
    await eventually(async () => assert.deepEqual(await messageTexts(page, room), expected));
  }

  for (const [name, page] of Object.entries(pages)) {
    assert.deepEqual(await connectionStates(page), ["connecting", "connected"], `${name}'s page never left "connected"`);
    const seen = transports[name];
    assert.equal(seen.sockets.length, 1, `${name}: one WebSocket for the whole session`);
    const [socket] = seen.sockets;
    assert.equal(socket.upgraded, true, `${name}: the upgrade completed`);
    assert.equal(socket.closed, false, `${name}: the WebSocket stayed open`);
    assert.ok(socket.messagesReceived >= expected.length / 2 - 1, `${name}: the other's messages came over the WebSocket`);
    assert.equal(seen.pollsAfterUpgrade, 0, `${name}: no polling after the upgrade`);
  }
  assertNoProblems(alice, bob);
  await alice.context().close();
  await bob.context().close();
});
