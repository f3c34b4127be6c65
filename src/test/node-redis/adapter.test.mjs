// (b) A Node socket.io 4.8 server with the official @socket.io/redis-adapter and OUR server share one Redis:
// broadcasts cross both ways, and each side's cluster requests are answered by the other without timeouts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { JAVA_URL, connect, next, collect, ask, until, sleep, redisClient, subscribers, bytes } from "./helpers.mjs";

const REQUESTS_TIMEOUT = 3000;
// SPECIFIC_RESPONSE_CHANNEL=1: Node answers on socket.io-response#/acme#<requester uid># instead of the common one
const SPECIFIC = process.env.SPECIFIC_RESPONSE_CHANNEL === "1";
let pub, sub, httpServer, io, acme, nodeUrl;
const serverSide = [];
const sockets = [];

async function javaClient(rooms = [], auth = {}) {
  const socket = await connect(JAVA_URL, "/acme", auth);
  sockets.push(socket);
  for (const room of rooms) {
    assert.equal(await ask(socket, "join", room), "joined");
  }
  return socket;
}

async function nodeClient(rooms = [], user = "node-user") {
  const socket = await connect(nodeUrl, "/acme", { rooms, user });
  sockets.push(socket);
  return socket;
}

before(async () => {
  pub = await redisClient();
  sub = pub.duplicate();
  sub.on("error", () => {});
  await sub.connect();
  httpServer = createServer();
  io = new Server(httpServer, { adapter: createAdapter(pub, sub, {
      requestsTimeout: REQUESTS_TIMEOUT,
      publishOnSpecificResponseChannel: SPECIFIC,
    }) });
  acme = io.of("/acme");
  acme.on("connection", (socket) => {
    socket.data.user = socket.handshake.auth.user;
    socket.join(socket.handshake.auth.rooms || []);
  });
  acme.on("hello", (...args) => {
    const callback = typeof args[args.length - 1] === "function" ? args.pop() : null;
    serverSide.push(args);
    callback?.("node");
  });
  await new Promise((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  nodeUrl = `http://127.0.0.1:${httpServer.address().port}`;
  // both servers subscribed: each counts the other in its requests
  await until("2 servers on the request channel", async () => (await subscribers(pub, "socket.io-request#/acme#")) === 2);
});

after(async () => {
  sockets.forEach((s) => s.disconnect());
  io.close();
  await Promise.allSettled([pub.quit(), sub.quit()]);
});

test("exactly one subscription per server: PUBSUB NUMSUB of the request channel is 2", async () => {
  assert.equal(await subscribers(pub, "socket.io-request#/acme#"), 2);
  const ours = await javaClient();
  assert.equal(await ask(ours, "server-count"), 2);
});

test("a broadcast from Node reaches our clients (room, binary), one from ours reaches Node's clients", async () => {
  const ours = await javaClient(["both"]);
  const theirs = await nodeClient(["both"]);
  const atOurs = next(ours, "room-message");
  acme.to("both").emit("room-message", "from node", Buffer.from([9, 8]));
  const [text, buffer] = await atOurs;
  assert.equal(text, "from node");
  assert.deepEqual(bytes(buffer), [9, 8]);

  const atTheirs = next(theirs, "room-message");
  const atOursAgain = next(ours, "room-message");
  assert.equal(await ask(ours, "to-room", "both", "from java", Buffer.from([7])), "sent");
  const [fromJava, binary] = await atTheirs;
  assert.equal(fromJava, "from java");
  assert.deepEqual(bytes(binary), [7]);
  assert.equal((await atOursAgain)[0], "from java");
});

test("socket.broadcast from a Node socket (except its own id) reaches ours", async () => {
  const ours = await javaClient(["chat"]);
  const theirs = await nodeClient(["chat"]);
  const nodeSocket = acme.sockets.get(theirs.id);
  const mine = collect(theirs, "said");
  const got = next(ours, "said");
  nodeSocket.to("chat").emit("said", "hi from a node socket");
  assert.deepEqual(await got, ["hi from a node socket"]);
  await sleep(200);
  assert.equal(mine.length, 0);
});

test("our except and whole-namespace broadcasts reach Node's clients as meant", async () => {
  const ours = await javaClient(["ex"]);
  const inBoth = await nodeClient(["ex", "ex-muted"]);
  const inOne = await nodeClient(["ex"]);
  const missed = collect(inBoth, "room-message");
  const got = next(inOne, "room-message");
  await ask(ours, "to-room-except", "ex", "ex-muted", "not for the muted");
  assert.deepEqual(await got, ["not for the muted"]);
  const everyone = next(inBoth, "everyone-message");
  await ask(ours, "everyone", "all of you");
  assert.deepEqual(await everyone, ["all of you"]);
  await sleep(200);
  assert.equal(missed.length, 0);
});

test("Node's fetchSockets() lists our sockets with handshake, rooms and data, within the timeout", async () => {
  const ours = await javaClient(["fetch-me"], { user: "alice" });
  const theirs = await nodeClient(["fetch-me"]);
  const started = Date.now();
  const found = await acme.in("fetch-me").fetchSockets();
  assert.ok(Date.now() - started < REQUESTS_TIMEOUT, "answered before the timeout");
  const ids = found.map((s) => s.id).sort();
  assert.deepEqual(ids, [ours.id, theirs.id].sort());
  const remote = found.find((s) => s.id === ours.id);
  assert.deepEqual([...remote.rooms].sort(), ["fetch-me", ours.id].sort());
  assert.deepEqual(remote.data, { user: "alice" });
  assert.deepEqual(remote.handshake.auth, { user: "alice" });
  assert.equal(typeof remote.handshake.headers, "object");
  assert.equal(typeof remote.handshake.issued, "number");
  // a RemoteSocket's emit comes back to our socket through a broadcast to its id room
  const direct = next(ours, "remote-emit");
  remote.emit("remote-emit", "via RemoteSocket");
  assert.deepEqual(await direct, ["via RemoteSocket"]);
});

test("Node's socketsJoin, socketsLeave and disconnectSockets apply to our sockets", async () => {
  const ours = await javaClient(["lobby"]);
  acme.in("lobby").socketsJoin("stage");
  await until("our socket in 'stage'", async () => (await ask(ours, "rooms")).includes("stage"));
  acme.in("lobby").socketsLeave("stage");
  await until("our socket out of 'stage'", async () => !(await ask(ours, "rooms")).includes("stage"));
  const gone = next(ours, "disconnect");
  acme.in("lobby").disconnectSockets();
  assert.equal((await gone)[0], "io server disconnect");
});

test("Node's serverSideEmit reaches our handler; with an ack, our answer comes back", async () => {
  const ours = await javaClient();
  const plain = next(ours, "server-side-hello");
  acme.serverSideEmit("hello", "no ack");
  assert.deepEqual(await plain, ["no ack"]);
  const withAck = next(ours, "server-side-hello");
  const responses = await acme.serverSideEmitWithAck("hello", "with ack");
  assert.deepEqual(responses, ["java"]);
  assert.deepEqual(await withAck, ["with ack"]);
});

test("Node's timeout().emit() broadcast with acks gets our clients' acks; 0 clients answer too", async () => {
  const ours = await javaClient(["quiz"]);
  ours.on("question", (n, callback) => callback({ from: "java", n }));
  const theirs = await nodeClient(["quiz"]);
  theirs.on("question", (n, callback) => callback({ from: "node", n }));
  const responses = await acme.to("quiz").timeout(REQUESTS_TIMEOUT).emitWithAck("question", 42);
  const from = responses.map((r) => r.from).sort();
  assert.deepEqual(from, ["java", "node"]);
  assert.ok(responses.every((r) => r.n === 42));
  const none = await acme.to("nobody-here").timeout(REQUESTS_TIMEOUT).emitWithAck("question", 1);
  assert.deepEqual(none, []);
});

test("Node's allRooms() includes our rooms", async () => {
  await javaClient(["java-room"]);
  const rooms = await acme.adapter.allRooms();
  assert.ok(rooms.has("java-room"));
});

test("our fetchSockets, allRooms and serverSideEmit with ack are answered by Node", async () => {
  const ours = await javaClient(["ours-fetch"]);
  const theirs = await nodeClient(["ours-fetch"], "bob");
  const found = await ask(ours, "cluster-fetch", "ours-fetch");
  assert.ok(Array.isArray(found), JSON.stringify(found));
  const remote = found.find((s) => s.id === theirs.id);
  assert.ok(remote, "Node's socket listed");
  assert.deepEqual(remote.data, { user: "bob" });
  assert.deepEqual(remote.rooms, ["ours-fetch", theirs.id].sort());
  assert.ok(found.some((s) => s.id === ours.id));

  const rooms = await ask(ours, "all-rooms");
  assert.ok(rooms.includes("ours-fetch") && rooms.includes(theirs.id), JSON.stringify(rooms));

  const before = serverSide.length;
  const outcome = await ask(ours, "cluster-emit-ack", "hello", "from java");
  assert.deepEqual(outcome, { responses: ["node"] });
  assert.deepEqual(serverSide[before], ["from java"]);
  await ask(ours, "cluster-emit", "hello", "from java, no ack");
  await until("Node's handler called", () => serverSide.length === before + 2);
  assert.deepEqual(serverSide[before + 1], ["from java, no ack"]);
});

test("our broadcast with acks gathers Node's clients' acks and ours", async () => {
  const ours = await javaClient(["ours-quiz"]);
  ours.on("question", (n, callback) => callback({ from: "java", n }));
  const theirs = await nodeClient(["ours-quiz"]);
  theirs.on("question", (n, callback) => callback({ from: "node", n }));
  const outcome = await ask(ours, "cluster-broadcast-ack", "ours-quiz", 3000, "question", 5);
  assert.ok(outcome.responses, JSON.stringify(outcome));
  assert.deepEqual(outcome.responses.map((r) => r.from).sort(), ["java", "node"]);
  const empty = await ask(ours, "cluster-broadcast-ack", "nobody-here", 3000, "question", 5);
  assert.deepEqual(empty, { responses: [] });
});

test("our socketsJoin, socketsLeave and disconnectSockets apply to Node's sockets", async () => {
  const ours = await javaClient();
  const theirs = await nodeClient(["node-lobby"]);
  await ask(ours, "cluster-join", "node-lobby", "java-made");
  await until("Node's socket in 'java-made'", () => acme.adapter.rooms.get("java-made")?.has(theirs.id));
  await ask(ours, "cluster-leave", "node-lobby", "java-made");
  await until("Node's socket out of 'java-made'", () => !acme.adapter.rooms.get("java-made")?.has(theirs.id));
  const gone = next(theirs, "disconnect");
  await ask(ours, "cluster-disconnect", "node-lobby", false);
  assert.equal((await gone)[0], "io server disconnect");
});
