// Display names without a browser: names are asked in batches of at most 100, each once, retried after a failure,
// and a user the server does not know (a JWT tenant's) stays shown by its user name.
import assert from "node:assert/strict";
import { test } from "node:test";
import { People } from "../../main/web/src/chat/people.js";

function fixture(answer) {
  const asked = [];
  const timers = [];
  let changes = 0;
  const people = new People({
    request: async (event, payload) => {
      asked.push({ event, users: payload.users });
      return answer(payload.users);
    },
    onChange: () => { changes += 1; },
    timers: { set: (fn, ms) => timers.push({ fn, ms }) },
  });
  const fire = async () => {
    const due = timers.splice(0);
    for (const timer of due) await timer.fn();
  };
  return { people, asked, timers, fire, changes: () => changes };
}

test("names are shown as user names until the server's answer, then by display name", async () => {
  const f = fixture((users) => ({ ok: true, users: users.filter((u) => u === "carol").map((u) => ({ username: u, displayName: "Carol Díaz" })) }));
  assert.equal(f.people.label("carol"), "carol");
  assert.equal(f.people.label("dave"), "dave");
  assert.equal(f.people.label("carol"), "carol", "asked once");
  assert.equal(f.timers.length, 1, "one batch is gathered");
  await f.fire();
  assert.deepEqual(f.asked, [{ event: "users:get", users: ["carol", "dave"] }]);
  assert.equal(f.people.label("carol"), "Carol Díaz");
  assert.equal(f.people.label("dave"), "dave", "no display name: the user name");
  assert.equal(f.people.labels(["carol", "dave"]), "Carol Díaz, dave");
  assert.equal(f.changes(), 1);
  assert.equal(f.timers.length, 0, "nothing asked again");
});

test("at most 100 names a request; the rest follow", async () => {
  const f = fixture((users) => ({ ok: true, users: [] }));
  for (let i = 0; i < 250; i += 1) f.people.label(`u${i}`);
  await f.fire();
  await f.fire();
  await f.fire();
  assert.deepEqual(f.asked.map((a) => a.users.length), [100, 100, 50]);
  assert.equal(new Set(f.asked.flatMap((a) => a.users)).size, 250);
});

test("a failed request is asked again later; what the picker listed is never asked", async () => {
  let fail = true;
  const f = fixture((users) => {
    if (fail) throw Object.assign(new Error("slow down"), { code: "rate_limited" });
    return { ok: true, users: users.map((u) => ({ username: u, displayName: u.toUpperCase() })) };
  });
  f.people.learn([{ username: "bob", displayName: "Bob Brown" }, { username: "erin" }]);
  assert.equal(f.people.label("bob"), "Bob Brown");
  assert.equal(f.people.label("erin"), "erin");
  f.people.label("carol");
  await f.fire();
  assert.equal(f.people.label("carol"), "carol");
  assert.equal(f.timers.at(-1).ms, 10_000, "retried later, not at once");
  fail = false;
  await f.fire();
  assert.equal(f.people.label("carol"), "CAROL");
  assert.deepEqual(f.asked.map((a) => a.users), [["carol"], ["carol"]]);
  assert.equal(f.people.label(undefined), "");
});
