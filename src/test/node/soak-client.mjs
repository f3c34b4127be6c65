// One chat user on the official socket.io-client with its DEFAULT options (long-polling, then the upgrade to
// WebSocket; reconnection on), held connected across every server timer while it chats. Run by
// DefaultClientsSoakTest (and scripts/hardening's soak); prints one line "SOAK-SUMMARY {json}" at the end.
//
// Environment: SERVER_URL, TENANT, TOKEN, NAME, ROOM, START_AT and END_AT (epoch ms: send one message every
// SEND_EVERY_MS between them), LINGER_MS (listen this long after END_AT before reporting).
//
// After a reconnection it catches up as the contract tells clients to: room:join with `since` = the last seq it
// got (the messages sent while it was away come in the ack), keeping each seq once (a message may come both live
// and in the ack). `received` lists each sender's messages by seq (its own acked ones too); `seqs` every seq it
// got or was acked, in order;
// `duplicates` counts messages the server sent live twice; `connectedAt` the epoch ms of each connect.
import { io } from "socket.io-client";

const env = process.env;
const startAt = Number(env.START_AT);
const endAt = Number(env.END_AT);
const sendEvery = Number(env.SEND_EVERY_MS ?? 2000);
const linger = Number(env.LINGER_MS ?? 4000);

const summary = {
  client: "node socket.io-client 4.8.4",
  name: env.NAME,
  connects: 0,
  disconnects: [],
  transports: [],
  sids: [],
  joinFailures: 0,
  sent: [],
  sendFailures: [],
  received: {},
  transport: null,
  connectedAt: [],
  seqs: [],
  duplicates: 0,
};
const bySeq = new Map(); // seq -> message of env.ROOM
let lastSeq = null;
const keep = (message) => {
  if (message?.room !== env.ROOM || typeof message.seq !== "number") return false;
  if (bySeq.has(message.seq)) return false;
  bySeq.set(message.seq, message);
  lastSeq = Math.max(lastSeq ?? 0, message.seq);
  return true;
};

const socket = io(`${env.SERVER_URL}/${env.TENANT}`, { auth: { token: env.TOKEN } });

socket.on("connect", () => {
  summary.connects += 1;
  summary.connectedAt.push(Date.now());
  summary.transports.push(socket.io.engine.transport.name);
  summary.sids.push(socket.io.engine.id);
  socket.io.engine.once("upgrade", (transport) => summary.transports.push(transport.name));
  const join = lastSeq === null ? { room: env.ROOM } : { room: env.ROOM, since: lastSeq };
  socket.timeout(10000).emit("room:join", join, (error, ack) => {
    if (error || ack?.ok !== true) summary.joinFailures += 1;
    else if (join.since !== undefined) (ack.messages ?? []).forEach(keep);
  });
});
socket.on("disconnect", (reason) => summary.disconnects.push({ at: Date.now(), reason }));
socket.on("connect_error", (error) => summary.disconnects.push({ at: Date.now(), reason: `connect_error: ${error.message}` }));
const live = new Set();
socket.on("message", (message) => {
  if (message?.room !== env.ROOM) return;
  if (live.has(message.seq)) summary.duplicates += 1;
  live.add(message.seq);
  keep(message);
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

await sleep(Math.max(0, startAt - Date.now()));
for (let n = 1; Date.now() < endAt; n += 1) {
  const text = `${env.NAME}#${n}`;
  socket.timeout(10000).emit("message:send", { room: env.ROOM, text, clientId: text }, (error, ack) => {
    if (!error && ack?.ok === true) {
      summary.sent.push(text);
      keep(ack.message); // its own messages are not sent back to it: their seqs come in the acks
    }
    else summary.sendFailures.push(`${text}: ${error?.message ?? ack?.error?.code}`);
  });
  await sleep(sendEvery);
}
await sleep(Math.max(0, endAt + linger - Date.now()));
summary.transport = socket.connected ? socket.io.engine.transport.name : null;
for (const seq of [...bySeq.keys()].sort((a, b) => a - b)) {
  const message = bySeq.get(seq);
  summary.seqs.push(seq);
  (summary.received[message.from] ??= []).push(message.text);
}
console.log(`SOAK-SUMMARY ${JSON.stringify(summary)}`);
socket.disconnect();
process.exit(0);
