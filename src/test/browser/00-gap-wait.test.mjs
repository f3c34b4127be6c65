// A gap in live messages waits for the missing one before a catch-up: in a cluster it is usually on its way.
import assert from "node:assert/strict";
import { test } from "node:test";
import { RoomState } from "../../main/web/src/chat/room-state.js";
import { waitForGap } from "../../main/web/src/chat/gap-wait.js";

const msg = (seq) => ({ id: `id${seq}`, room: "r", seq, from: "bob", text: `m${seq}`, ts: "2025-01-01T00:00:00Z" });

function joined() {
  const room = new RoomState("r");
  room.applyJoin({ ok: true, members: ["bob"], messages: [msg(1), msg(2)], hasMore: false });
  return room;
}

/** Timers run by hand. */
function manualTimers() {
  const due = [];
  return { due, setTimeout: (fn) => due.push(fn), run: () => due.splice(0).forEach((fn) => fn()) };
}

test("a message arriving late, before the wait is over, makes no catch-up", () => {
  const room = joined();
  const timers = manualTimers();
  const caughtUp = [];
  assert.equal(room.applyLive(msg(4)).gap, true);
  waitForGap(room, (s) => caughtUp.push(s), 500, timers);
  assert.equal(room.applyLive(msg(3)).gap, false);
  timers.run();
  assert.deepEqual(caughtUp, []);
  assert.equal(room.cursor, 4);
});

test("a gap still open after the wait is caught up once, however many messages came past it", () => {
  const room = joined();
  const timers = manualTimers();
  const caughtUp = [];
  room.applyLive(msg(4));
  waitForGap(room, (s) => caughtUp.push(s), 500, timers);
  room.applyLive(msg(5));
  waitForGap(room, (s) => caughtUp.push(s), 500, timers);
  assert.equal(timers.due.length, 1);
  timers.run();
  assert.deepEqual(caughtUp, [room]);
  // a later gap waits again
  room.applyLive(msg(7));
  waitForGap(room, (s) => caughtUp.push(s), 500, timers);
  assert.equal(timers.due.length, 1);
});
