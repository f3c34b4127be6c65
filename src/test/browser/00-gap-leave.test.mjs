// A room left while a gap waits for its missing seq (gap-wait.js) is not joined again by that wait's catch-up: a
// review found the timer sending room:join after the user's room:leave, which the server took as a new join.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ChatApp } from "../../main/web/src/chat/app.js";
import { RoomState } from "../../main/web/src/chat/room-state.js";
import { GAP_WAIT_MS } from "../../main/web/src/chat/gap-wait.js";

const msg = (seq) => ({ id: `id${seq}`, room: "busy", seq, from: "bob", text: `m${seq}`, ts: "2025-01-01T00:00:00Z" });

/** The app's own methods, with its connection and its rendering stubbed. */
function app(requests, notices) {
  const chat = Object.create(ChatApp.prototype);
  Object.assign(chat, {
    me: "alice",
    viewName: "other",
    rooms: new Map(),
    connection: {
      connected: true,
      epoch: 1,
      async request(event, payload) {
        requests.push([event, payload]);
        if (event === "room:join") return { ok: true, room: payload.room, members: ["alice", "bob"], messages: [], hasMore: false };
        return { ok: true };
      },
    },
    pacer: { take: async () => {}, spent() {} },
    outbox: { drain() {}, dropRoom() {}, forRoom: () => [] },
    reads: { seen() {}, unreadWith: () => 0, mentionsWith: () => 0 },
    typing: { stop() {} },
    notice: (text) => notices.push(text),
    saveRooms() {},
    renderRooms() {},
    renderReceipt() {},
    renderPeople() {},
    refreshDirectory() {},
    view() {},
  });
  const state = new RoomState("busy");
  state.applyJoin({ ok: true, members: ["bob"], messages: [msg(1), msg(2)], hasMore: false });
  state.joinedOn = 1;
  chat.rooms.set("busy", { state, pane: { insert() {}, update() {}, updateEdge() {}, el: { remove() {} } } });
  return chat;
}

test("leaving a room while its gap waits sends no join after the leave", async () => {
  globalThis.document = { hidden: false };
  const requests = [];
  const notices = [];
  const chat = app(requests, notices);
  chat.onMessage(msg(4)); // seq 3 is on its way from another node
  chat.leave("busy");
  await new Promise((resolve) => setTimeout(resolve, GAP_WAIT_MS + 200));
  assert.deepEqual(requests, [["room:leave", { room: "busy" }]]);
  assert.deepEqual(notices, []);
});
