// The tab's outbox without a browser: one message in flight, the order typed kept through every failure.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Outbox, RETRY_FIRST_MS, RETRY_MAX_MS } from "../../main/web/src/chat/outbox.js";

/** An Outbox on a fake connection: sends wait until the test answers them; timers fire when the test says. */
function harness(saved = []) {
  const world = {
    connected: true,
    readyRooms: null, // null: every room is joined
    sends: [], // {entry, clientId, resolve, reject} in the order sent
    stored: [],
    removed: [],
    saved: null,
    timers: new Map(),
  };
  let nextTimer = 1;
  const port = {
    connected: () => world.connected,
    ready: (room) => world.connected && (world.readyRooms === null || world.readyRooms.has(room)),
    send: (entry) => new Promise((resolve, reject) => world.sends.push({ entry, clientId: entry.clientId, resolve, reject })),
    describe: (error) => `failed: ${error.code}`,
    changed: () => {},
    removed: (entry) => world.removed.push(entry.text),
    stored: (entry) => world.stored.push(entry.text),
    save: (entries) => {
      world.saved = JSON.parse(JSON.stringify(entries));
    },
  };
  const timers = {
    set: (fn, ms) => {
      world.timers.set(nextTimer, { fn, ms });
      return nextTimer++;
    },
    clear: (id) => world.timers.delete(id),
  };
  const outbox = new Outbox(port, saved, timers);
  return {
    outbox,
    world,
    sent: () => world.sends.map((s) => s.entry.text),
    inFlight: () => world.sends.filter((s) => !s.done),
    async answer(result) {
      const send = world.sends.find((s) => !s.done);
      assert.ok(send, "a send is in flight");
      send.done = true;
      if (result instanceof Error || (result && result.code)) send.reject(result);
      else send.resolve({ seq: world.sends.length, text: send.entry.text });
      await settle();
    },
    async fireTimers() {
      const due = [...world.timers.values()];
      world.timers.clear();
      for (const timer of due) timer.fn();
      await settle();
    },
    states: () => outbox.entries.map((e) => `${e.text}:${e.state}${e.refused ? ":refused" : ""}`),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const refusal = (code, transport = false) => Object.assign(new Error(code), { code, transport });

test("one message in flight at a time, sent in the order typed", async () => {
  const h = harness();
  for (const text of ["a", "b", "c"]) h.outbox.add("r", text);
  assert.deepEqual(h.sent(), ["a"]);
  await h.answer();
  assert.deepEqual(h.sent(), ["a", "b"]);
  await h.answer();
  await h.answer();
  assert.deepEqual(h.world.stored, ["a", "b", "c"]);
  assert.equal(h.outbox.size, 0);
  assert.deepEqual(h.world.saved, []);
});

test("after a lost connection the failed message goes first, with the same clientId, before those typed later", async () => {
  const h = harness();
  h.outbox.add("r", "a");
  h.outbox.add("r", "b");
  const firstId = h.world.sends[0].clientId;
  h.world.connected = false;
  await h.answer(refusal("offline", true));
  h.outbox.add("r", "c, typed while offline");
  assert.deepEqual(h.states(), ["a:failed", "b:failed", "c, typed while offline:failed"]);
  assert.equal(h.outbox.entries[0].error, "failed: offline");

  // connected again, the room not joined yet: nothing goes, not even what is typed now
  h.world.connected = true;
  h.world.readyRooms = new Set();
  h.outbox.connected();
  h.outbox.add("r", "d, typed right after reconnecting");
  assert.deepEqual(h.states(), ["a:pending", "b:pending", "c, typed while offline:pending", "d, typed right after reconnecting:pending"]);
  assert.deepEqual(h.sent(), ["a"]);

  h.world.readyRooms.add("r");
  h.outbox.drain();
  assert.deepEqual(h.sent(), ["a", "a"]);
  assert.equal(h.world.sends[1].clientId, firstId, "resent with the same clientId");
  for (let i = 0; i < 4; i += 1) await h.answer();
  assert.deepEqual(h.world.stored, ["a", "b", "c, typed while offline", "d, typed right after reconnecting"]);
});

test("rate_limited, unavailable and no answer: the head waits its turn again, nothing overtakes it", async () => {
  const h = harness();
  h.outbox.add("r", "a");
  h.outbox.add("r", "b");
  await h.answer(refusal("rate_limited"));
  assert.deepEqual(h.states(), ["a:failed", "b:pending"]);
  assert.deepEqual([...h.world.timers.values()].map((t) => t.ms), [RETRY_FIRST_MS]);
  h.outbox.drain();
  assert.deepEqual(h.sent(), ["a"], "nothing is sent during the pause");
  await h.fireTimers();
  assert.deepEqual(h.sent(), ["a", "a"]);
  await h.answer(refusal("timeout", true));
  assert.deepEqual([...h.world.timers.values()].map((t) => t.ms), [RETRY_FIRST_MS * 2], "the pause doubles");
  await h.fireTimers();
  await h.answer(refusal("unavailable"));
  // Retry does not wait for the pause
  h.outbox.retry(h.outbox.entries[0].clientId);
  assert.equal(h.world.timers.size, 0);
  assert.deepEqual(h.sent(), ["a", "a", "a", "a"]);
  await h.answer();
  await h.answer();
  assert.deepEqual(h.world.stored, ["a", "b"]);
});

test("the pause between retries stops growing at its maximum", async () => {
  const h = harness();
  h.outbox.add("r", "a");
  const pauses = [];
  for (let i = 0; i < 8; i += 1) {
    await h.answer(refusal("rate_limited"));
    pauses.push(...[...h.world.timers.values()].map((t) => t.ms));
    await h.fireTimers();
  }
  assert.equal(Math.max(...pauses), RETRY_MAX_MS);
  assert.equal(pauses.at(-1), RETRY_MAX_MS);
});

test("a message refused for good is set aside and the queue goes on; Retry sends it after the others", async () => {
  const h = harness();
  for (const text of ["a", "b", "c"]) h.outbox.add("r", text);
  await h.answer(refusal("too_large"));
  assert.deepEqual(h.states(), ["a:failed:refused", "b:pending", "c:pending"]);
  assert.deepEqual(h.sent(), ["a", "b"]);
  await h.answer();
  h.outbox.retry(h.outbox.entries[0].clientId); // while c is in flight
  assert.deepEqual(h.states(), ["c:pending", "a:pending"]);
  await h.answer();
  await h.answer();
  assert.deepEqual(h.world.stored, ["b", "c", "a"]);
});

test("Discard drops a message not sent, and the next one goes", async () => {
  const h = harness();
  h.outbox.add("r", "a");
  h.outbox.add("r", "b");
  h.outbox.discard(h.outbox.entries[0].clientId);
  assert.equal(h.outbox.size, 2, "a message in flight cannot be discarded");
  await h.answer(refusal("rate_limited"));
  h.outbox.discard(h.outbox.entries[0].clientId);
  assert.deepEqual(h.world.removed, ["a"]);
  assert.equal(h.world.timers.size, 0);
  assert.deepEqual(h.sent(), ["a", "b"]);
  await h.answer();
  assert.deepEqual(h.world.stored, ["b"]);
  assert.deepEqual(h.world.saved, []);
});

test("what is not sent is saved and comes back after a reload, in order; malformed entries are dropped", async () => {
  const h = harness();
  h.world.connected = false;
  h.outbox.add("r", "a");
  h.outbox.add("s", "b");
  assert.deepEqual(h.world.saved.map((e) => [e.room, e.text, e.state, e.code]), [["r", "a", "failed", "offline"], ["s", "b", "failed", "offline"]]);

  const saved = [null, { clientId: "x" }, ...h.world.saved, { ...h.world.saved[0], clientId: "y".repeat(129) }];
  const again = harness(saved);
  assert.deepEqual(again.states(), ["a:failed", "b:failed"]);
  assert.equal(again.outbox.entries[0].clientId, h.world.saved[0].clientId);
  again.outbox.connected();
  await again.answer();
  await again.answer();
  assert.deepEqual(again.world.stored, ["a", "b"]);
});

test("leaving a room drops its messages; stop() saves nothing more", async () => {
  const h = harness();
  h.world.readyRooms = new Set(["s"]);
  h.outbox.add("r", "a");
  h.outbox.add("s", "b");
  assert.deepEqual(h.sent(), [], "the head's room is not joined yet: nothing overtakes it");
  h.outbox.dropRoom("r");
  assert.deepEqual(h.sent(), ["b"]);
  h.outbox.stop();
  const before = h.world.saved;
  await h.answer();
  assert.equal(h.world.saved, before);
});

test("a room the server refuses to let me into: its messages are set aside, kept and shown, and the queue goes on", async () => {
  const h = harness();
  h.world.readyRooms = new Set(["s"]);
  h.outbox.add("r", "a");
  h.outbox.add("s", "b");
  h.outbox.refuseRoom("r", "Cannot join #r", "forbidden");
  assert.deepEqual(h.states(), ["a:failed:refused", "b:pending"]);
  assert.equal(h.outbox.entries[0].error, "Cannot join #r");
  assert.deepEqual(h.world.removed, [], "nothing dropped behind my back");
  assert.deepEqual(h.sent(), ["b"]);
  await h.answer();
  h.outbox.discard(h.outbox.entries[0].clientId);
  assert.deepEqual(h.world.removed, ["a"], "Discard drops it");
});
