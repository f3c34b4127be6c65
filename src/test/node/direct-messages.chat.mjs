// Direct messages with the official Node client on its default options (long-polling, the upgrade, reconnection),
// against the chat server (run by io.chat.platform.DirectMessagesNodeTest): alice opens a conversation with bob, both
// write in it live, and carol, of the same tenant, gets nothing of it and is refused it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { follow as followIn, need, once, ack, record } from "./helpers.mjs";

const env = need;
const sockets = [];
const follow = async (token) => (await followIn(token, sockets)).socket;

test.after(() => sockets.forEach((s) => s.close()));

test("alice and bob talk in a direct message; carol sees nothing of it", async () => {
  const alice = await follow(env("TOKEN_ALICE"));
  const bob = await follow(env("TOKEN_BOB"));
  const carol = await follow(env("TOKEN_CAROL"));
  const carolMessages = record(carol, "message");
  const carolRemembered = record(carol, "room:remembered");

  const remembered = once(bob, "room:remembered");
  const [opened] = await ack(alice, "dm:open", { users: ["bob"] });
  assert.equal(opened.ok, true, JSON.stringify(opened));
  assert.match(opened.room, /^@[a-z2-7]{26}$/);
  assert.deepEqual(opened.members, ["alice", "bob"]);
  assert.deepEqual((await remembered)[0], { room: opened.room, members: ["alice", "bob"] });
  const [again] = await ack(bob, "dm:open", { users: ["alice"] });
  assert.equal(again.room, opened.room, "the same two people: the same conversation");

  const toBob = once(bob, "message");
  assert.equal((await ack(alice, "message:send", { room: opened.room, text: "hi bob" }))[0].ok, true);
  assert.equal((await toBob)[0].text, "hi bob");
  const toAlice = once(alice, "message");
  assert.equal((await ack(bob, "message:send", { room: opened.room, text: "hi alice" }))[0].ok, true);
  assert.equal((await toAlice)[0].text, "hi alice");

  const [history] = await ack(bob, "history:fetch", { room: opened.room });
  assert.deepEqual(history.messages.map((m) => m.text), ["hi bob", "hi alice"]);

  for (const [event, payload] of [
    ["room:join", { room: opened.room }],
    ["history:fetch", { room: opened.room }],
    ["presence:list", { room: opened.room }],
    ["message:send", { room: opened.room, text: "let me in" }],
  ]) {
    const [refused] = await ack(carol, event, payload);
    assert.deepEqual(refused.error.code, "forbidden", `${event}: ${JSON.stringify(refused)}`);
  }
  const [mine] = await ack(carol, "rooms:mine", {});
  assert.deepEqual(mine.rooms, []);
  const [listed] = await ack(carol, "rooms:list", {});
  assert.ok(!JSON.stringify(listed).includes(opened.room));
  assert.deepEqual(carolMessages, []);
  assert.deepEqual(carolRemembered, []);

  // who the members are, for people: the stored users among the names, by name (no one else's invented)
  const [named] = await ack(carol, "users:get", { users: opened.members.concat("nobody") });
  assert.equal(named.ok, true, JSON.stringify(named));
  assert.deepEqual(named.users.map((u) => u.username), ["alice", "bob"]);
  const [bad] = await ack(carol, "users:get", { users: ["Not A Name"] });
  assert.equal(bad.error.code, "bad_request");
});
