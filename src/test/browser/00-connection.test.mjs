// The connection's answers to CONNECT refusals without a browser, against a fake Socket.IO server (Engine.IO long
// polling only) that refuses each CONNECT as the test says.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";

// what connection.js expects of a page
globalThis.window ??= new EventTarget();
globalThis.navigator ??= { onLine: true };

const SEP = "\x1e";
let server;
/** what the fake server answers to the next CONNECTs, in order (then it accepts): the CONNECT_ERROR bodies */
let refusals = [];
/** when each CONNECT came (ms) */
let connects = [];
let pending = []; // packets for the next GET
let waitingGet = null;

function flush() {
  if (waitingGet && pending.length) {
    const res = waitingGet;
    waitingGet = null;
    res.end(pending.splice(0).join(SEP));
  }
}

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    res.setHeader("Content-Type", "text/plain; charset=UTF-8");
    if (!url.searchParams.has("sid")) {
      // a new Engine.IO session (the client closes its last one when its only socket is refused): the old one's poll goes
      waitingGet?.end("1");
      waitingGet = null;
      pending = [];
      res.end(`0${JSON.stringify({ sid: `s${Date.now()}`, upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6 })}`);
    } else if (req.method === "POST") {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        for (const packet of body.split(SEP)) {
          if (!packet.startsWith("40/")) continue;
          const ns = packet.slice(2, packet.indexOf(","));
          connects.push(Date.now());
          const refusal = refusals.shift();
          pending.push(refusal ? `44${ns},${JSON.stringify(refusal)}` : `40${ns},${JSON.stringify({ sid: "abc" })}`);
        }
        res.end("ok");
        flush();
      });
    } else {
      waitingGet?.end("6"); // one GET at a time: a noop for the one before
      waitingGet = res;
      flush();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  globalThis.location = new URL(`http://127.0.0.1:${server.address().port}/`);
});

after(() => {
  waitingGet?.end("1");
  server.closeAllConnections?.();
  server.close();
});

async function connection(handlers = {}) {
  const { Connection } = await import("../../main/web/src/chat/connection.js");
  const seen = { states: [], fatal: [], connected: 0 };
  const c = new Connection("acme", "token", {
    state: (state, detail) => seen.states.push(detail ? `${state} (${detail})` : state),
    connected: () => (seen.connected += 1),
    fatal: (kind) => seen.fatal.push(kind),
    event: () => {},
    ...handlers,
  });
  return { c, seen };
}

async function eventually(assertion, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

test("CONNECT refused \"unavailable\" (the store could not check the token): no sign-out; CONNECT again after a growing pause", { timeout: 30000 }, async () => {
  const busy = { message: "unavailable", data: { code: "unavailable", retryAfter: 1 } };
  refusals = [busy, busy, busy];
  connects = [];
  const { c, seen } = await connection();
  c.open();
  try {
    await eventually(() => assert.equal(seen.connected, 1));
    assert.deepEqual(seen.fatal, [], "the session is kept");
    assert.equal(connects.length, 4, "three refusals, then the CONNECT that passed");
    assert.ok(seen.states.includes("connecting (the server is busy)"), seen.states.join(", "));
    const pauses = connects.slice(1).map((at, i) => at - connects[i]);
    assert.ok(pauses[0] >= 1000, `the server's retryAfter is respected: ${pauses}`);
    assert.ok(pauses[1] >= 2000 && pauses[2] >= 4000, `the pause doubles: ${pauses}`);
  } finally {
    c.close();
  }
});

test("CONNECT refused \"unauthorized\": the session is over", { timeout: 30000 }, async () => {
  refusals = [{ message: "unauthorized" }];
  const { c, seen } = await connection();
  c.open();
  try {
    await eventually(() => assert.deepEqual(seen.fatal, ["unauthorized"]));
  } finally {
    c.close();
  }
});
