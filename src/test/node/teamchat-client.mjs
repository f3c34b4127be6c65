// Team chat as two users run it on the official socket.io-client with its DEFAULT options (long-polling, then the
// upgrade to WebSocket; reconnection on), against the real platform: remembered rooms across sockets, a reconnect and
// a server restart; the directory and topics; edits, deletions and reactions seen live by the other user; a client
// that was away catching up on them by seq; a non-author's edit and deletion refused. Run by TeamChatNodeTest.
//
// Not a *.test.mjs file on purpose: NodeClientTest runs those against its conformance server, which has no tenants.
//
// Environment: SERVER_URL, TENANT, ALICE_TOKEN, BOB_TOKEN (sessions of users "alice" and "bob"), ALICE_PASSWORD (to
// log in again after her logout), OTHER_TOKEN (a
// session of another tenant, whose CONNECT here is refused), CONTROL_DIR: the
// script asks for the server's restart by creating CONTROL_DIR/restart and waits for CONTROL_DIR/restarted (the
// test restarts the server on the same port and data). Prints "TEAMCHAT-OK" and exits 0 when every step passed.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { io } from "socket.io-client";
import { once, waitFor } from "./helpers.mjs";

const env = process.env;
/** Generous: the machine is small and shared. */
const WAIT = 20000;
const ROOM = "team";
const OTHER_ROOM = "side";

/** Emits with an acknowledgement; resolves with the ack's payload. */
function call(socket, event, payload) {
  return new Promise((resolve, reject) => {
    socket.timeout(WAIT).emit(event, payload, (error, answer) =>
      error ? reject(new Error(`no ack for '${event}' within ${WAIT} ms`)) : resolve(answer));
  });
}

/** Asserts a successful ack and returns it. */
async function ok(socket, event, payload) {
  const answer = await call(socket, event, payload);
  assert.equal(answer?.ok, true, `${event} ${JSON.stringify(payload)} answered ${JSON.stringify(answer)}`);
  return answer;
}

/** A socket of a user as a team chat client opens it: default options, following the user's remembered rooms. */
function user(name, token) {
  const socket = io(`${env.SERVER_URL}/${env.TENANT}`, { auth: { token, rooms: "remembered" } });
  socket.user = name;
  socket.got = {};
  for (const event of ["rooms:mine", "room:remembered", "room:forgotten", "room:topic", "message",
    "message:edited", "message:deleted", "reaction:toggled", "connect", "disconnect"]) {
    socket.got[event] = [];
    socket.on(event, (payload) => socket.got[event].push(payload ?? null));
  }
  return socket;
}

/** Waits until `socket` got `event` with a payload matching `predicate`; returns that payload. */
async function seen(socket, event, predicate, what) {
  await waitFor(() => socket.got[event].some(predicate), `${socket.user}: ${what}`, WAIT);
  return socket.got[event].find(predicate);
}

const names = (rooms) => rooms.map((room) => room.name).sort();
const step = (text) => console.log(`# ${text}`);

const sockets = [];
try {
  step("alice's first socket remembers the rooms it joins");
  const alice = user("alice", env.ALICE_TOKEN);
  sockets.push(alice);
  await seen(alice, "rooms:mine", () => true, "rooms:mine at connect");
  assert.deepEqual(alice.got["rooms:mine"][0].rooms, []);
  await ok(alice, "room:join", { room: ROOM });

  step("her second socket is put in them at connect, and follows a join on the first");
  const aliceTab = user("alice", env.ALICE_TOKEN);
  sockets.push(aliceTab);
  const restored = await seen(aliceTab, "rooms:mine", () => true, "rooms:mine at connect");
  assert.deepEqual(names(restored.rooms), [ROOM]);
  await ok(alice, "room:join", { room: OTHER_ROOM });
  await seen(aliceTab, "room:remembered", (e) => e.room === OTHER_ROOM, "room:remembered");
  assert.deepEqual(names((await ok(aliceTab, "rooms:mine", {})).rooms), [OTHER_ROOM, ROOM].sort());

  step("bob joins; alice sets the topic, bob sees it live and in the directory");
  const bob = user("bob", env.BOB_TOKEN);
  sockets.push(bob);
  await seen(bob, "rooms:mine", () => true, "rooms:mine at connect");
  await ok(bob, "room:join", { room: ROOM });
  const topicText = "Release 2.0 — ship it 🚀";
  const set = await ok(alice, "room:topic", { room: ROOM, topic: topicText });
  assert.equal(set.topic.text, topicText);
  assert.equal(set.topic.by, "alice");
  const told = await seen(bob, "room:topic", (e) => e.room === ROOM, "room:topic");
  assert.deepEqual(told.topic, set.topic);
  const directory = await ok(bob, "rooms:directory", {});
  assert.deepEqual(names(directory.rooms), [OTHER_ROOM, ROOM].sort());
  const team = directory.rooms.find((room) => room.name === ROOM);
  assert.equal(team.members, 2);
  assert.deepEqual(team.topic, set.topic);
  assert.equal(directory.hasMore, false);
  const first = await ok(bob, "rooms:directory", { limit: 1 });
  assert.equal(first.rooms.length, 1);
  assert.equal(first.hasMore, true);
  const second = await ok(bob, "rooms:directory", { after: first.rooms[0].name, limit: 1 });
  assert.deepEqual([first.rooms[0].name, second.rooms[0].name], [OTHER_ROOM, ROOM].sort());
  const refusedTopic = await call(bob, "room:topic", { room: OTHER_ROOM, topic: "not mine" });
  assert.deepEqual(refusedTopic, { ok: false, error: { code: "forbidden", message: "join the room first" } });

  step("alice writes, edits, deletes; bob reacts; each sees the other's change live");
  const sent = (await ok(alice, "message:send", { room: ROOM, text: "helo team" })).message;
  const doomed = (await ok(alice, "message:send", { room: ROOM, text: "wrong room, sorry" })).message;
  await seen(bob, "message", (m) => m.seq === doomed.seq, "alice's messages");
  const edit = (await ok(alice, "message:edit", { room: ROOM, seq: sent.seq, text: "hello team" })).entry;
  assert.equal(edit.kind, "edit");
  assert.equal(edit.target, sent.seq);
  const edited = await seen(bob, "message:edited", (e) => e.seq === edit.seq, "message:edited");
  assert.equal(edited.text, "hello team");
  assert.equal(edited.edited, true);
  const reaction = (await ok(bob, "reaction:toggle", { room: ROOM, seq: sent.seq, emoji: "👍" })).entry;
  const toggled = await seen(alice, "reaction:toggled", (e) => e.seq === reaction.seq, "reaction:toggled");
  assert.deepEqual(toggled.reactions, [{ emoji: "👍", count: 1, users: ["bob"] }]);
  await seen(aliceTab, "reaction:toggled", (e) => e.seq === reaction.seq, "reaction:toggled on her other tab");
  const deletion = (await ok(alice, "message:delete", { room: ROOM, seq: doomed.seq })).entry;
  const deleted = await seen(bob, "message:deleted", (e) => e.seq === deletion.seq, "message:deleted");
  assert.equal(deleted.deleted, true);
  assert.equal(deleted.text, "");

  step("bob may not edit or delete alice's message");
  const notMine = { ok: false, error: { code: "forbidden", message: "not your message" } };
  assert.deepEqual(await call(bob, "message:edit", { room: ROOM, seq: sent.seq, text: "pwned" }), notMine);
  assert.deepEqual(await call(bob, "message:delete", { room: ROOM, seq: sent.seq }), notMine);
  const history = await ok(bob, "history:fetch", { room: ROOM });
  assert.deepEqual(history.messages.map((m) => m.text), ["hello team", ""]);

  step("bad payloads, a non-member, a stranger and another tenant's user are refused");
  const bad = (message) => ({ ok: false, error: { code: "bad_request", message } });
  for (const seq of [0, -1, 1.5, "1", 2 ** 70, null]) {
    assert.deepEqual(await call(bob, "reaction:toggle", { room: ROOM, seq, emoji: "👍" }), bad("invalid seq"));
  }
  for (const emoji of ["👍\u202E", "👍\u200B", "a", "1️⃣", "👍".repeat(11), 7]) {
    assert.deepEqual(await call(bob, "reaction:toggle", { room: ROOM, seq: sent.seq, emoji }), bad("invalid emoji"));
  }
  for (const topic of ["two\u2028lines", "\u202Egnirts", 42]) {
    assert.deepEqual(await call(alice, "room:topic", { room: ROOM, topic }), bad("invalid topic"));
  }
  assert.equal((await call(alice, "room:topic", { room: ROOM, topic: "x".repeat(251) })).error.code, "too_large");
  assert.deepEqual(await call(bob, "rooms:directory", { limit: 101 }), bad("invalid limit"));
  assert.deepEqual(await call(bob, "rooms:directory", { after: "../etc" }), bad("invalid after"));
  const joinFirst = { ok: false, error: { code: "forbidden", message: "join the room first" } };
  assert.deepEqual(await call(bob, "reaction:toggle", { room: OTHER_ROOM, seq: 1, emoji: "👍" }), joinFirst);
  assert.deepEqual(await call(bob, "message:edit", { room: OTHER_ROOM, seq: 1, text: "x" }), joinFirst);
  for (const [who, auth] of [["a stranger", {}], ["another tenant's user", { token: env.OTHER_TOKEN }]]) {
    const outsider = io(`${env.SERVER_URL}/${env.TENANT}`, { auth, reconnection: false });
    const [error] = await once(outsider, "connect_error", WAIT);
    outsider.close();
    assert.equal(error.message, "unauthorized", who);
  }

  step("bob goes away; what changed meanwhile comes in his catch-up by seq");
  const lastSeen = deletion.seq;
  bob.disconnect();
  const later = (await ok(alice, "message:send", { room: ROOM, text: "meeting at 3" })).message;
  const lateEdit = (await ok(alice, "message:edit", { room: ROOM, seq: later.seq, text: "meeting at 4" })).entry;
  const party = (await ok(alice, "reaction:toggle", { room: ROOM, seq: sent.seq, emoji: "🎉" })).entry;
  const before = bob.got["rooms:mine"].length;
  bob.connect();
  const back = await seen(bob, "rooms:mine", (e) => bob.got["rooms:mine"].indexOf(e) >= before, "rooms:mine again");
  assert.deepEqual(names(back.rooms), [ROOM]);
  const catchUp = await ok(bob, "room:join", { room: ROOM, since: lastSeen });
  assert.deepEqual(catchUp.messages.map((e) => [e.seq, e.kind ?? "message"]), [
    [later.seq, "message"],
    [lateEdit.seq, "edit"],
    [party.seq, "reaction"],
  ]);
  assert.equal(catchUp.messages[0].text, "meeting at 4"); // each entry holds its target's state when read
  assert.deepEqual(catchUp.messages[2].reactions.map((r) => [r.emoji, r.users]), [["👍", ["bob"]], ["🎉", ["alice"]]]);

  step("alice's tab loses its connection and reconnects by itself, back in her rooms");
  const tabMines = aliceTab.got["rooms:mine"].length;
  aliceTab.io.engine.close(); // as a dropped network does: the client reconnects with its defaults
  await waitFor(() => aliceTab.got["rooms:mine"].length > tabMines && aliceTab.connected, "alice's tab back", WAIT);
  assert.deepEqual(names(aliceTab.got["rooms:mine"].at(-1).rooms), [OTHER_ROOM, ROOM].sort());
  const afterReconnect = (await ok(bob, "message:send", { room: ROOM, text: "welcome back" })).message;
  await seen(aliceTab, "message", (m) => m.seq === afterReconnect.seq, "a message in a restored room");

  step("the server restarts under them; the clients reconnect and everything is still there");
  const connects = sockets.map((socket) => socket.got.connect.length);
  writeFileSync(join(env.CONTROL_DIR, "restart"), "");
  await waitFor(() => existsSync(join(env.CONTROL_DIR, "restarted")), "the server's restart", 120000);
  await waitFor(
    () => sockets.every((socket, i) => socket.connected && socket.got.connect.length > connects[i]),
    "every socket reconnected",
    60000);
  const mine = await ok(alice, "rooms:mine", {});
  assert.deepEqual(names(mine.rooms), [OTHER_ROOM, ROOM].sort());
  assert.deepEqual(mine.rooms.find((room) => room.name === ROOM).topic, set.topic);
  const kept = await ok(bob, "history:fetch", { room: ROOM });
  assert.deepEqual(kept.messages.map((m) => [m.seq, m.text, m.edited ?? false, m.deleted ?? false]), [
    [sent.seq, "hello team", true, false],
    [doomed.seq, "", false, true],
    [later.seq, "meeting at 4", true, false],
    [afterReconnect.seq, "welcome back", false, false],
  ]);
  assert.deepEqual(kept.messages[0].reactions.map((r) => [r.emoji, r.count]), [["👍", 1], ["🎉", 1]]);
  const replay = await ok(bob, "room:join", { room: ROOM, since: afterReconnect.seq - 1 });
  assert.deepEqual(replay.messages.map((e) => e.seq), [afterReconnect.seq]);
  assert.deepEqual(await call(bob, "message:delete", { room: ROOM, seq: later.seq }), notMine);
  const afterRestart = (await ok(alice, "message:edit", { room: ROOM, seq: later.seq, text: "meeting at 5" })).entry;
  assert.equal(afterRestart.seq, afterReconnect.seq + 1); // the sequence goes on without a gap
  await seen(bob, "message:edited", (e) => e.seq === afterRestart.seq, "an edit after the restart");
  step("alice logs out: her sockets are disconnected, her token refused; her next session has her rooms back");
  const api = `${env.SERVER_URL}/api/tenants/${env.TENANT}/sessions`;
  const logout = await fetch(`${api}/current`, { method: "DELETE", headers: { authorization: `Bearer ${env.ALICE_TOKEN}` } });
  assert.equal(logout.status, 204);
  await waitFor(() => !alice.connected && !aliceTab.connected, "alice's sockets disconnected", WAIT);
  assert.equal(alice.got.disconnect.at(-1), "io server disconnect"); // the client does not reconnect by itself
  assert.deepEqual(await call(bob, "message:edit", { room: ROOM, seq: later.seq, text: "by bob" }), notMine);
  const revoked = io(`${env.SERVER_URL}/${env.TENANT}`, { auth: { token: env.ALICE_TOKEN }, reconnection: false });
  assert.equal((await once(revoked, "connect_error", WAIT))[0].message, "unauthorized");
  revoked.close();
  const login = await fetch(api, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "alice", password: env.ALICE_PASSWORD }),
  });
  assert.equal(login.status, 201);
  const again = user("alice", (await login.json()).token);
  sockets.push(again);
  const rooms = await seen(again, "rooms:mine", () => true, "rooms:mine in a new session");
  assert.deepEqual(names(rooms.rooms), [OTHER_ROOM, ROOM].sort());
  console.log("TEAMCHAT-OK");
} catch (error) {
  console.log(`TEAMCHAT-FAILED ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  sockets.forEach((socket) => socket.disconnect());
}
