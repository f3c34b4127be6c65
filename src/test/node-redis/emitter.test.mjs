// (a) The official @socket.io/redis-emitter publishes; socket.io-client sockets connected to OUR server receive.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Emitter } from "@socket.io/redis-emitter";
import { JAVA_URL, connect, next, collect, ask, until, sleep, redisClient, bytes } from "./helpers.mjs";

let redis, emitter, acme, globex;
const sockets = [];

async function client(nsp, rooms = []) {
  const socket = await connect(JAVA_URL, nsp);
  sockets.push(socket);
  for (const room of rooms) {
    assert.equal(await ask(socket, "join", room), "joined");
  }
  return socket;
}

before(async () => {
  redis = await redisClient();
  emitter = new Emitter(redis);
  acme = emitter.of("/acme");
  globex = emitter.of("/globex");
});

after(async () => {
  sockets.forEach((s) => s.disconnect());
  await redis.quit();
});

test("emit to a room reaches the room's sockets on our server, and only them", async () => {
  const inRoom = await client("/acme", ["news"]);
  const outside = await client("/acme");
  const missed = collect(outside, "headline");
  const got = next(inRoom, "headline");
  acme.to("news").emit("headline", 1, "two", { three: [3] }, null, 2.5);
  assert.deepEqual(await got, [1, "two", { three: [3] }, null, 2.5]);
  await sleep(300);
  assert.equal(missed.length, 0);
});

test("binary arguments arrive as binary (Buffer as bin, ArrayBuffer as ext 0), nested too", async () => {
  const socket = await client("/acme", ["bin"]);
  const got = next(socket, "file");
  acme.to("bin").emit("file", Buffer.from([1, 2, 3]), { nested: new Uint8Array([4, 5]).buffer, text: "t" });
  const [buffer, object] = await got;
  assert.deepEqual(bytes(buffer), [1, 2, 3]);
  assert.deepEqual(bytes(object.nested), [4, 5]);
  assert.equal(object.text, "t");
});

test("except skips the sockets of the excepted room", async () => {
  const both = await client("/acme", ["team", "muted"]);
  const teamOnly = await client("/acme", ["team"]);
  const missed = collect(both, "notice");
  const got = next(teamOnly, "notice");
  acme.to("team").except("muted").emit("notice", "hi");
  assert.deepEqual(await got, ["hi"]);
  await sleep(300);
  assert.equal(missed.length, 0);
});

test("several rooms, the whole namespace, a socket id room", async () => {
  const a = await client("/acme", ["r1"]);
  const b = await client("/acme", ["r2"]);
  const gotA = next(a, "multi");
  const gotB = next(b, "multi");
  acme.to(["r1", "r2"]).emit("multi", "x");
  assert.deepEqual(await gotA, ["x"]);
  assert.deepEqual(await gotB, ["x"]);
  const all = next(b, "everyone");
  acme.emit("everyone", "y");
  assert.deepEqual(await all, ["y"]);
  const direct = next(a, "direct");
  acme.to(a.id).emit("direct", "only you");
  assert.deepEqual(await direct, ["only you"]);
});

test("namespaces stay apart", async () => {
  const inAcme = await client("/acme", ["shared"]);
  const inGlobex = await client("/globex", ["shared"]);
  const missed = collect(inAcme, "globex-only");
  const got = next(inGlobex, "globex-only");
  globex.to("shared").emit("globex-only", 1);
  assert.deepEqual(await got, [1]);
  await sleep(300);
  assert.equal(missed.length, 0);
});

test("socketsJoin, socketsLeave and disconnectSockets reach our sockets", async () => {
  const socket = await client("/acme", ["lobby"]);
  acme.in("lobby").socketsJoin("stage");
  await until("the socket in 'stage'", async () => (await ask(socket, "rooms")).includes("stage"));
  acme.in("lobby").socketsLeave("stage");
  await until("the socket out of 'stage'", async () => !(await ask(socket, "rooms")).includes("stage"));
  const gone = next(socket, "disconnect");
  acme.in("lobby").disconnectSockets();
  assert.equal((await gone)[0], "io server disconnect");
});

test("serverSideEmit reaches our server's handler", async () => {
  const socket = await client("/acme");
  const got = next(socket, "server-side-hello");
  acme.serverSideEmit("hello", "from the emitter", 7);
  assert.deepEqual(await got, ["from the emitter", 7]);
});

test("a Date (notepack 3's timestamp extension) arrives as its ISO string, as a Node server would send it", async () => {
  const socket = await client("/acme", ["dates"]);
  const got = next(socket, "when");
  acme.to("dates").emit("when", new Date(1700000000123), { at: new Date(0) });
  assert.deepEqual(await got, ["2023-11-14T22:13:20.123Z", { at: "1970-01-01T00:00:00.000Z" }]);
});

test("raw requests: SOCKETS (type 0) and the legacy one-socket REMOTE_JOIN are answered on the response channel", async () => {
  const socket = await client("/acme", ["legacy"]);
  const listener = redis.duplicate();
  listener.on("error", () => {});
  await listener.connect();
  const responses = [];
  await listener.subscribe("socket.io-response#/acme#", (message) => responses.push(JSON.parse(message)));
  try {
    await redis.publish(
      "socket.io-request#/acme#",
      JSON.stringify({ uid: "raw", requestId: "sockets-1", type: 0, rooms: ["legacy"] }),
    );
    const sockets = await until("the SOCKETS answer", () => responses.find((r) => r.requestId === "sockets-1"));
    assert.deepEqual(sockets.sockets, [socket.id]);
    await redis.publish(
      "socket.io-request#/acme#",
      JSON.stringify({ uid: "raw", requestId: "join-1", type: 2, sid: socket.id, room: "legacy-joined" }),
    );
    await until("the REMOTE_JOIN answer", () => responses.find((r) => r.requestId === "join-1"));
    assert.ok((await ask(socket, "rooms")).includes("legacy-joined"));
  } finally {
    await listener.quit();
  }
});
