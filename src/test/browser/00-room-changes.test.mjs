// Edits and deletions in the client's room bookkeeping: applied to the message held, counted for the cursor, never
// shown as messages, and a stale one (read before a newer change) ignored.
import assert from "node:assert/strict";
import { test } from "node:test";
import { isChange, RoomState } from "../../main/web/src/chat/room-state.js";

const msg = (seq, from = "alice", text = `m${seq}`) => ({ id: `id${seq}`, room: "r", seq, from, text, ts: "2025-01-01T00:00:00Z" });
const edit = (seq, target, text) => ({ ...msg(seq, "alice", text), kind: "edit", target, edited: true, editedTs: "2025-01-01T00:01:00Z" });
const del = (seq, target) => ({ ...msg(seq, "alice", ""), kind: "delete", target, deleted: true });

test("a live edit changes the message held, moves the cursor and shows nothing new", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: [msg(1), msg(2)], hasMore: false });
  const { added, gap } = room.applyLive(edit(3, 1, "one"));
  assert.equal(added, null);
  assert.equal(gap, false);
  assert.equal(room.cursor, 3);
  assert.deepEqual(room.order, [1, 2]);
  const [changed] = room.takeChanged();
  assert.equal(changed.seq, 1);
  assert.equal(changed.text, "one");
  assert.equal(changed.edited, true);
  assert.deepEqual(room.takeChanged(), []);
});

test("a catch-up applies edits and deletions in order and pages past them", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: [msg(1), msg(2)], hasMore: false });
  const result = room.applyCatchUp({ ok: true, members: [], messages: [edit(3, 1, "x"), del(4, 2), msg(5)], hasMore: false }, 2);
  assert.deepEqual(result.added.map((m) => m.seq), [5]);
  assert.equal(room.cursor, 5);
  assert.equal(room.messages.get(2).deleted, true);
  assert.equal(room.messages.get(2).text, "");
  assert.equal(room.messages.get(1).text, "x");
  assert.deepEqual(room.takeChanged().map((m) => m.seq), [1, 2]);
});

test("a change older than the last one applied to a message is ignored", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: [msg(1)], hasMore: false });
  room.applyLive(edit(3, 1, "newest"));
  room.applyCatchUp({ ok: true, members: [], messages: [edit(2, 1, "older read")], hasMore: false }, 1);
  assert.equal(room.messages.get(1).text, "newest");
});

test("a live change after a missing entry is a gap; the up arrow finds my last message not deleted", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: [msg(1), msg(2, "bob"), msg(3)], hasMore: false });
  assert.equal(room.applyLive(del(5, 3)).gap, true);
  assert.equal(room.lastOwn("alice").seq, 1);
  assert.equal(room.lastOwn("carol"), null);
  assert.equal(isChange(msg(6)), false);
  assert.equal(isChange({ ...msg(6), kind: "edit" }), false, "an edit names its target");
});

test("a reaction replaces the message's reactions and keeps its text", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: [msg(1)], hasMore: false });
  const reactions = [{ emoji: "👍", count: 1, users: ["bob"] }];
  room.applyLive({ ...msg(2, "bob", "👍"), kind: "reaction", target: 1, reactions });
  assert.equal(room.messages.get(1).text, "m1");
  assert.deepEqual(room.messages.get(1).reactions, reactions);
  room.applyLive({ ...msg(3, "bob", "👍"), kind: "reaction", target: 1 });
  assert.deepEqual(room.messages.get(1).reactions, [], "no reactions key: none left");
  assert.equal(room.cursor, 3);
});
