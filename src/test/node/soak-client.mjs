// One chat user on the official socket.io-client with its DEFAULT options (long-polling, then the upgrade to
// WebSocket; reconnection on), held connected across every server timer while it chats. Run by
// DefaultClientsSoakTest (and scripts/hardening's soak); prints one line "SOAK-SUMMARY {json}" at the end.
//
// Environment: SERVER_URL, TENANT, TOKEN, NAME, ROOM, START_AT and END_AT (epoch ms: send one message every
// SEND_EVERY_MS between them), LINGER_MS (listen this long after END_AT before reporting).
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
};

const socket = io(`${env.SERVER_URL}/${env.TENANT}`, { auth: { token: env.TOKEN } });

socket.on("connect", () => {
  summary.connects += 1;
  summary.transports.push(socket.io.engine.transport.name);
  summary.sids.push(socket.io.engine.id);
  socket.io.engine.once("upgrade", (transport) => summary.transports.push(transport.name));
  socket.timeout(10000).emit("room:join", { room: env.ROOM }, (error, ack) => {
    if (error || ack?.ok !== true) summary.joinFailures += 1;
  });
});
socket.on("disconnect", (reason) => summary.disconnects.push({ at: Date.now(), reason }));
socket.on("connect_error", (error) => summary.disconnects.push({ at: Date.now(), reason: `connect_error: ${error.message}` }));
socket.on("message", (message) => {
  if (message?.room !== env.ROOM) return;
  (summary.received[message.from] ??= []).push(message.text);
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

await sleep(Math.max(0, startAt - Date.now()));
for (let n = 1; Date.now() < endAt; n += 1) {
  const text = `${env.NAME}#${n}`;
  socket.timeout(10000).emit("message:send", { room: env.ROOM, text, clientId: text }, (error, ack) => {
    if (!error && ack?.ok === true) summary.sent.push(text);
    else summary.sendFailures.push(`${text}: ${error?.message ?? ack?.error?.code}`);
  });
  await sleep(sendEvery);
}
await sleep(Math.max(0, endAt + linger - Date.now()));
summary.transport = socket.connected ? socket.io.engine.transport.name : null;
console.log(`SOAK-SUMMARY ${JSON.stringify(summary)}`);
socket.disconnect();
process.exit(0);
