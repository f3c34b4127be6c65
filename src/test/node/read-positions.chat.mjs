// Read positions with the official Node client on its default options (long-polling, the upgrade, reconnection),
// against the chat server (run by io.chat.platform.ReadPositionNodeTest, not by NodeClientTest: it needs a tenant).
// PHASE=live: two sockets of alice; a read on one reaches the other live; a non-member and bad payloads are refused.
// PHASE=restarted: after the server restarted, a new socket of alice gets the right unread count at CONNECT.
// Mentions: alice names dave while he is offline; dave signs in (live, and again after the restart): mentions 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { follow as followIn, need, once, ack } from "./helpers.mjs";

const env = need;
const SERVER_URL = env("SERVER_URL").replace(/\/+$/, "");
const TENANT = env("TENANT");
const sockets = [];
const follow = (token) => followIn(token, sockets);


async function plain(token) {
  const socket = io(`${SERVER_URL}/${TENANT}`, { auth: { token }, forceNew: true });
  sockets.push(socket);
  await once(socket, "connect", 15000);
  return socket;
}

const room = (mine, name) => mine.rooms.find((r) => r.name === name);

test.after(() => sockets.forEach((s) => s.close()));

if (env("PHASE") === "live") {
  test("a read on one socket reaches the user's other socket live; unread counts follow", async () => {
    const { socket: tabA } = await follow(env("TOKEN_ALICE"));
    const { socket: tabB } = await follow(env("TOKEN_ALICE_2"));
    const remembered = once(tabB, "room:remembered");
    const [joined] = await ack(tabA, "room:join", { room: "general" });
    assert.equal(joined.ok, true);
    assert.deepEqual((await remembered)[0], { room: "general" });

    const bob = await plain(env("TOKEN_BOB"));
    assert.equal((await ack(bob, "room:join", { room: "general" }))[0].ok, true);
    for (let i = 1; i <= 3; i++) {
      assert.equal((await ack(bob, "message:send", { room: "general", text: `m${i}` }))[0].message.seq, i);
    }
    // alice's own message is never unread to her
    assert.equal((await ack(tabA, "message:send", { room: "general", text: "mine" }))[0].message.seq, 4);
    let [mine] = await ack(tabA, "rooms:mine", {});
    assert.deepEqual(room(mine, "general"), { name: "general", lastRead: 0, unread: 3, mentions: 0 });

    const live = once(tabB, "room:read");
    const [marked] = await ack(tabA, "room:read", { room: "general", seq: 2 });
    assert.deepEqual(marked, { ok: true, room: "general", seq: 2 });
    assert.deepEqual((await live)[0], { room: "general", seq: 2 });

    // a lower seq is a no-op, a seq past the room's last is clamped to it
    assert.deepEqual((await ack(tabB, "room:read", { room: "general", seq: 1 }))[0], { ok: true, room: "general", seq: 2 });
    [mine] = await ack(tabB, "rooms:mine", {});
    assert.deepEqual(room(mine, "general"), { name: "general", lastRead: 2, unread: 1, mentions: 0 });

    for (let i = 5; i <= 7; i++) {
      await ack(bob, "message:send", { room: "general", text: `m${i}` });
    }
    const clamped = once(tabA, "room:read");
    assert.deepEqual((await ack(tabB, "room:read", { room: "general", seq: 1000 }))[0], { ok: true, room: "general", seq: 7 });
    assert.deepEqual((await clamped)[0], { room: "general", seq: 7 });
    // three more for phase 2: alice, at 7, has 3 unread after the restart
    for (let i = 8; i <= 10; i++) {
      await ack(bob, "message:send", { room: "general", text: `m${i}` });
    }
  });

  test("a non-member and bad payloads are refused", async () => {
    const carol = await plain(env("TOKEN_CAROL"));
    const [refused] = await ack(carol, "room:read", { room: "general", seq: 3 });
    assert.deepEqual(refused, { ok: false, error: { code: "forbidden", message: "join the room first" } });
    for (const payload of [{ room: "general" }, { room: "general", seq: 0 }, { room: "general", seq: "3" },
      { room: "bad room", seq: 1 }, "general"]) {
      const [answer] = await ack(carol, "room:read", payload);
      assert.equal(answer.ok, false, JSON.stringify(payload));
      assert.equal(answer.error.code, "bad_request", JSON.stringify(payload));
    }
  });

  test("alice mentions dave while he is offline; dave's next sign-in counts it", async () => {
    const { socket: dave, mine: before } = await follow(env("TOKEN_DAVE"));
    assert.equal((await ack(dave, "room:join", { room: "mentions" }))[0].ok, true);
    dave.close();
    const alice = await plain(env("TOKEN_ALICE"));
    assert.equal((await ack(alice, "room:join", { room: "mentions" }))[0].ok, true);
    for (const text of ["hello @dave", "@davey is not him", "nor dave@example.com", "nor @Dave_x"]) {
      assert.equal((await ack(alice, "message:send", { room: "mentions", text }))[0].ok, true);
    }
    assert.equal(before.rooms.find((r) => r.name === "mentions"), undefined);
    const { mine } = await follow(env("TOKEN_DAVE"));
    assert.deepEqual(room(mine, "mentions"), { name: "mentions", lastRead: 0, unread: 4, mentions: 1 });
  });
} else {
  test("after a restart, dave's mention is still counted", async () => {
    const { mine } = await follow(env("TOKEN_DAVE"));
    assert.deepEqual(room(mine, "mentions"), { name: "mentions", lastRead: 0, unread: 4, mentions: 1 });
  });

  test("after a restart, a new socket of alice gets her unread count at CONNECT and in rooms:mine", async () => {
    const { socket, mine } = await follow(env("TOKEN_ALICE"));
    assert.deepEqual(room(mine, "general"), { name: "general", lastRead: 7, unread: 3, mentions: 0 });
    const { socket: other } = await follow(env("TOKEN_ALICE_2"));
    const live = once(other, "room:read");
    assert.equal((await ack(socket, "room:read", { room: "general", seq: 10 }))[0].seq, 10);
    assert.deepEqual((await live)[0], { room: "general", seq: 10 });
    const [again] = await ack(other, "rooms:mine", {});
    assert.deepEqual(room(again, "general"), { name: "general", lastRead: 10, unread: 0, mentions: 0 });
  });
}
