// The core client scenarios; each *.test.mjs file runs them over one transport setup.
import { describe, test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";

import { Clients, ack, barrier, bytesOf, connect, once, receive, record, unique, waitFor } from "./helpers.mjs";

export function scenarios(setup, transport) {
  describe(`socket.io-client over ${setup}`, () => {
    let clients;

    beforeEach(() => {
      clients = new Clients(transport);
    });

    afterEach(() => {
      clients.close();
    });

    test("connects to /test and gets welcome with its id", async () => {
      const socket = await clients.connected("/test");
      assert.ok(socket.id, "socket has an id");
      const engine = socket.io.engine;
      if (setup === "websocket") {
        assert.equal(engine.transport.name, "websocket");
      } else if (setup === "polling") {
        assert.equal(engine.transport.name, "polling");
        await barrier(socket);
        assert.equal(engine.transport.name, "polling", "polling only: no upgrade");
      } else {
        await waitFor(() => engine.transport.name === "websocket", "the upgrade to websocket");
        await barrier(socket);
      }
    });

    test("/private accepts the good token", async () => {
      const socket = await clients.connected("/private", { auth: { token: "secret" } });
      await barrier(socket);
    });

    test("/private rejects a bad token with connect_error unauthorized / bad token", async () => {
      const socket = clients.socket("/private", { auth: { token: "wrong" } });
      const error = once(socket, "connect_error");
      const connected = record(socket, "connect");
      socket.connect();
      const [err] = await error;
      assert.equal(err.message, "unauthorized");
      assert.deepEqual(err.data, { reason: "bad token" });
      assert.equal(err.data.reason, "bad token");
      assert.equal(socket.connected, false);
      assert.equal(connected.length, 0);
    });

    test("/private rejects a missing token", async () => {
      const socket = clients.socket("/private");
      const error = once(socket, "connect_error");
      socket.connect();
      const [err] = await error;
      assert.equal(err.message, "unauthorized");
      assert.equal(err.data?.reason, "bad token");
    });

    test("echo acks all arguments, binary round-trips as binary", async () => {
      const socket = await clients.connected("/test");
      const bytes = [0, 1, 2, 127, 128, 253, 254, 255];
      const answer = await ack(socket, "echo", "text", 7, true, null, { nested: { list: [1, "two"] } },
                               Buffer.from(bytes), { inner: Buffer.from([9, 8, 7]) });
      assert.equal(answer.length, 7);
      assert.deepEqual(answer.slice(0, 5), ["text", 7, true, null, { nested: { list: [1, "two"] } }]);
      assert.deepEqual(bytesOf(answer[5]), bytes, `binary arg came back as ${JSON.stringify(answer[5])}`);
      assert.deepEqual(bytesOf(answer[6]?.inner), [9, 8, 7],
                       `nested binary came back as ${JSON.stringify(answer[6])}`);
    });

    test("server -> client ack: client answers question", async () => {
      const socket = await clients.connected("/test");
      const questions = [];
      socket.on("question", (n, callback) => {
        questions.push(n);
        callback("forty-two");
      });
      const [answer] = await ack(socket, "ask-client", 4000);
      assert.deepEqual(answer, { answer: "forty-two" });
      assert.deepEqual(questions, [42]);
    });

    test("server -> client ack: times out when the client does not answer", async () => {
      const socket = await clients.connected("/test");
      const questions = [];
      socket.on("question", (n) => questions.push(n)); // never calls the ack
      const [answer] = await ack(socket, "ask-client", 300);
      assert.deepEqual(answer, { error: "timeout" });
      assert.deepEqual(questions, [42]);
      await barrier(socket); // still usable
    });

    test("join / rooms reports the room", async () => {
      const socket = await clients.connected("/test");
      const room = unique("room");
      assert.deepEqual(await ack(socket, "join", room), ["joined"]);
      const [rooms] = await ack(socket, "rooms");
      assert.ok(rooms.includes(room), `rooms ${JSON.stringify(rooms)} include ${room}`);
    });

    test("to-room reaches others in the room, not the sender nor non-members", async () => {
      const [a, b, c, outsider] = await Promise.all([1, 2, 3, 4].map(() => clients.connected("/test")));
      const room = unique("room");
      await Promise.all([a, b, c].map((s) => ack(s, "join", room)));
      const msg = unique("msg");
      const got = [a, b, c, outsider].map((s) => record(s, "room-message"));
      const atB = receive(b, "room-message", msg);
      const atC = receive(c, "room-message", msg);
      a.emit("to-room", room, msg);
      await Promise.all([atB, atC]);
      await barrier(a); // a's handler has finished: everything it sent is queued
      await barrier(outsider);
      assert.deepEqual(got[0].filter((m) => m === msg), [], "sender got its own room message");
      assert.deepEqual(got[3].filter((m) => m === msg), [], "non-member got the room message");
      assert.deepEqual(got[1].filter((m) => m === msg), [msg]);
      assert.deepEqual(got[2].filter((m) => m === msg), [msg]);
    });

    test("to-room-except reaches the room minus the excepted socket", async () => {
      const [a, b, c, outsider] = await Promise.all([1, 2, 3, 4].map(() => clients.connected("/test")));
      const room = unique("room");
      await Promise.all([a, b, c].map((s) => ack(s, "join", room)));
      const msg = unique("msg");
      const got = [a, b, c, outsider].map((s) => record(s, "room-message"));
      const atA = receive(a, "room-message", msg);
      const atC = receive(c, "room-message", msg);
      a.emit("to-room-except", room, b.id, msg);
      await Promise.all([atA, atC]); // namespace-level emit: the sender is in the room, so it gets it too
      await barrier(a);
      await Promise.all([barrier(b), barrier(outsider)]);
      assert.deepEqual(got[1].filter((m) => m === msg), [], "excepted socket got the message");
      assert.deepEqual(got[3].filter((m) => m === msg), [], "non-member got the message");
      assert.deepEqual(got[0].filter((m) => m === msg), [msg]);
      assert.deepEqual(got[2].filter((m) => m === msg), [msg]);
    });

    test("broadcast reaches everyone but the sender", async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => clients.connected("/test")));
      const msg = unique("msg");
      const got = [a, b, c].map((s) => record(s, "broadcast-message"));
      const atB = receive(b, "broadcast-message", msg);
      const atC = receive(c, "broadcast-message", msg);
      a.emit("broadcast", msg);
      await Promise.all([atB, atC]);
      await barrier(a);
      assert.deepEqual(got[0].filter((m) => m === msg), [], "sender got its own broadcast");
      assert.deepEqual(got[1].filter((m) => m === msg), [msg]);
      assert.deepEqual(got[2].filter((m) => m === msg), [msg]);
    });

    test("everyone reaches all sockets including the sender", async () => {
      const [a, b] = await Promise.all([1, 2].map(() => clients.connected("/test")));
      const msg = unique("msg");
      const got = [a, b].map((s) => record(s, "everyone-message"));
      const atA = receive(a, "everyone-message", msg);
      const atB = receive(b, "everyone-message", msg);
      a.emit("everyone", msg);
      await Promise.all([atA, atB]);
      await Promise.all([barrier(a), barrier(b)]);
      assert.deepEqual(got[0].filter((m) => m === msg), [msg]);
      assert.deepEqual(got[1].filter((m) => m === msg), [msg]);
    });

    test("to-socket reaches exactly that socket", async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => clients.connected("/test")));
      const msg = unique("msg");
      const got = [a, b, c].map((s) => record(s, "direct"));
      const atB = receive(b, "direct", msg);
      a.emit("to-socket", b.id, msg);
      await atB;
      await barrier(a);
      await barrier(c);
      assert.deepEqual(got[0].filter((m) => m === msg), [], "sender got the direct message");
      assert.deepEqual(got[2].filter((m) => m === msg), [], "another socket got the direct message");
      assert.deepEqual(got[1].filter((m) => m === msg), [msg]);
    });

    test("leave stops delivery", async () => {
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => clients.connected("/test")));
      const room = unique("room");
      await Promise.all([a, b, c].map((s) => ack(s, "join", room)));
      const first = unique("msg");
      const atB = receive(b, "room-message", first);
      const atC = receive(c, "room-message", first);
      a.emit("to-room", room, first);
      await Promise.all([atB, atC]); // b is a member before leaving
      assert.deepEqual(await ack(b, "leave", room), ["left"]);
      const [rooms] = await ack(b, "rooms");
      assert.ok(!rooms.includes(room), `rooms ${JSON.stringify(rooms)} no longer include ${room}`);
      const second = unique("msg");
      const gotB = record(b, "room-message");
      const atC2 = receive(c, "room-message", second);
      a.emit("to-room", room, second);
      await atC2;
      await barrier(a);
      await barrier(b);
      assert.deepEqual(gotB.filter((m) => m === second), [], "socket got a room message after leaving");
    });

    test("dynamic namespace /dyn-abc connects and works", async () => {
      const socket = await clients.connected("/dyn-abc");
      const [answer] = await ack(socket, "echo", "dyn");
      assert.equal(answer, "dyn");
    });

    test("two namespaces multiplexed on one Manager", async () => {
      const manager = clients.manager();
      const test = clients.track(manager.socket("/test"));
      const dyn = clients.track(manager.socket("/dyn-x"));
      const welcomes = [once(test, "welcome"), once(dyn, "welcome")];
      await Promise.all([connect(test), connect(dyn)]);
      const [[w1], [w2]] = await Promise.all(welcomes);
      assert.equal(w1.id, test.id);
      assert.equal(w2.id, dyn.id);
      assert.notEqual(test.id, dyn.id);
      assert.equal(test.io, dyn.io, "both sockets share the Manager");
      assert.equal(test.io.engine, dyn.io.engine, "both sockets share one Engine.IO connection");
      const [r1, r2] = await Promise.all([ack(test, "echo", "on-test"), ack(dyn, "echo", "on-dyn")]);
      assert.deepEqual(r1, ["on-test"]);
      assert.deepEqual(r2, ["on-dyn"]);
      // the other namespace still works after one of them leaves
      const closed = once(test, "disconnect");
      test.disconnect();
      await closed;
      assert.deepEqual(await ack(dyn, "echo", "still"), ["still"]);
    });

    test("disconnect-me: client sees 'io server disconnect'", async () => {
      const socket = await clients.connected("/test");
      const disconnected = once(socket, "disconnect");
      socket.emit("disconnect-me");
      const [reason] = await disconnected;
      assert.equal(reason, "io server disconnect");
      assert.equal(socket.connected, false);
    });

    test("a handler that throws does not break the connection", async () => {
      const socket = await clients.connected("/test");
      const disconnects = record(socket, "disconnect");
      socket.emit("throw", "boom");
      assert.deepEqual(await ack(socket, "echo", "after-throw"), ["after-throw"]);
      socket.emit("throw"); // and once more, without arguments
      assert.deepEqual(await ack(socket, "echo", 1, 2), [1, 2]);
      assert.equal(socket.connected, true);
      assert.deepEqual(disconnects, []);
    });
  });
}
