// The tab's pacing of counted events without a browser: a burst, then a steady rate; the room in view first.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Pacer } from "../../main/web/src/chat/pacer.js";

/** A Pacer on a fake clock: `advance(ms)` moves it and fires the timers due. */
function harness(options) {
  let now = 0;
  const timers = new Map();
  let next = 1;
  const pacer = new Pacer({
    ...options,
    now: () => now,
    timers: {
      set: (fn, ms) => {
        timers.set(next, { fn, at: now + ms });
        return next++;
      },
      clear: (id) => timers.delete(id),
    },
  });
  const granted = [];
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  return {
    pacer,
    granted,
    take(name, options) {
      pacer.take(options).then(() => granted.push(name));
    },
    async advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
        await settle();
      }
      now = until;
      await settle();
    },
  };
}

test("a burst goes at once, the rest at the steady rate", async () => {
  const h = harness({ burst: 3, perSecond: 2 });
  for (let i = 1; i <= 7; i++) h.take(`join ${i}`);
  await h.advance(0);
  assert.deepEqual(h.granted, ["join 1", "join 2", "join 3"]);
  await h.advance(500);
  assert.equal(h.granted.length, 4);
  await h.advance(1500);
  assert.equal(h.granted.length, 7, "two a second after the burst");
});

test("the room in view goes before the rooms already waiting", async () => {
  const h = harness({ burst: 1, perSecond: 1 });
  h.take("a");
  h.take("b");
  h.take("c");
  h.take("in view", { urgent: true });
  await h.advance(0);
  assert.deepEqual(h.granted, ["a"]);
  await h.advance(1000);
  assert.deepEqual(h.granted, ["a", "in view"]);
});

test("rate_limited from the server spends the budget: the next event waits for a new token", async () => {
  const h = harness({ burst: 10, perSecond: 2 });
  h.take("first");
  await h.advance(0);
  h.pacer.spent();
  h.take("after the refusal");
  await h.advance(400);
  assert.deepEqual(h.granted, ["first"]);
  await h.advance(200);
  assert.deepEqual(h.granted, ["first", "after the refusal"]);
});

test("a 300-room reconnect in three tabs stays within the server's default budget (50/s, burst 200)", () => {
  // three tabs' buckets together: what they may send by time t is 3 × (burst + rate × t) ≤ 200 + 50 t
  const pacer = new Pacer();
  assert.ok(3 * pacer.burst <= 200 && 3 * pacer.perMs * 1000 <= 50, `burst ${pacer.burst}, ${pacer.perMs * 1000}/s`);
});
