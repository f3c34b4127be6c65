// The client's room bookkeeping without a browser: de-duplication by seq, the catch-up cursor, gaps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { newClientId, RoomState } from "../../main/web/src/chat/room-state.js";

const msg = (seq, from = "bob", text = `m${seq}`) => ({ id: `id${seq}`, room: "r", seq, from, text, ts: "2025-01-01T00:00:00Z" });
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

test("a plain join takes the newest page and sets the cursor to its last seq", () => {
  const room = new RoomState("r");
  const added = room.applyJoin({ ok: true, members: ["alice", "bob"], messages: range(51, 100), hasMore: true });
  assert.equal(added.length, 50);
  assert.equal(room.cursor, 100);
  assert.equal(room.hasOlder, true);
  assert.deepEqual([...room.members], ["alice", "bob"]);
});

test("a join of an empty room sets the cursor to 0, so since:0 later fetches everything", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: ["alice"], messages: [], hasMore: false });
  assert.equal(room.joined, true);
  assert.equal(room.cursor, 0);
});

test("catching up pages forward and ignores what is already held", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: range(1, 10), hasMore: false });
  room.applyLive(msg(11));
  const first = room.applyCatchUp({ ok: true, members: ["bob"], messages: range(11, 510), hasMore: true }, 10);
  assert.equal(first.added.length, 499, "seq 11 was held already");
  assert.equal(first.more, true);
  assert.equal(room.cursor, 510);
  const second = room.applyCatchUp({ ok: true, members: ["bob"], messages: range(511, 520), hasMore: false }, 510);
  assert.equal(second.more, false);
  assert.equal(room.cursor, 520);
  assert.deepEqual(room.order, Array.from({ length: 520 }, (_, i) => i + 1));
});

test("a live message after a gap is held and reported, and the cursor stays before the gap", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: range(1, 5), hasMore: false });
  const { added, gap } = room.applyLive(msg(8));
  assert.equal(added.seq, 8);
  assert.equal(gap, true);
  assert.equal(room.cursor, 5);
  room.applyCatchUp({ ok: true, members: [], messages: range(6, 8), hasMore: false }, 5);
  assert.equal(room.cursor, 8);
  assert.equal(room.hasGap(), false);
  assert.deepEqual(room.order, [1, 2, 3, 4, 5, 6, 7, 8]);
});

test("duplicates by seq are dropped, and nextSeq tells where to insert", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: [], messages: [msg(3), msg(5)], hasMore: true });
  assert.equal(room.applyLive(msg(5)).added, null);
  assert.equal(room.nextSeq(3), 5);
  assert.equal(room.nextSeq(4), 5);
  assert.equal(room.nextSeq(5), null);
  const older = room.applyOlder({ ok: true, messages: [msg(1), msg(2), msg(3)], hasMore: false });
  assert.deepEqual(older.map((m) => m.seq), [1, 2]);
  assert.equal(room.hasOlder, false);
});

test("my message acknowledged once even if a catch-up brought it first", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: ["alice"], messages: range(1, 2), hasMore: false });
  room.applyCatchUp({ ok: true, members: ["alice"], messages: [msg(3, "alice", "hello")], hasMore: false }, 2);
  assert.equal(room.acknowledged(msg(3, "alice", "hello")), null, "already shown");
  assert.equal(room.cursor, 3);
  assert.equal(room.acknowledged(msg(4, "alice", "again")).seq, 4);
  assert.equal(room.cursor, 4);
});

test("members who leave are remembered as departed", () => {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: ["alice", "bob"], messages: [], hasMore: false });
  room.memberLeft("bob");
  assert.deepEqual([...room.departed], ["bob"]);
  room.memberJoined("bob");
  assert.deepEqual([...room.departed], []);
});

test("client ids are distinct UUIDs", () => {
  const ids = new Set(Array.from({ length: 100 }, newClientId));
  assert.equal(ids.size, 100);
});
