// Shared plumbing of the interop tests: clients of our server (JAVA_URL) and of a Node server, bounded waits.
import { io as ioc } from "socket.io-client";
import { createClient } from "redis";

export const JAVA_URL = process.env.JAVA_URL;
export const REDIS_URL = process.env.REDIS_URL;
export const WAIT_MS = 10_000;

/** A connected socket.io-client socket (WebSocket only, its own connection). */
export function connect(base, nsp, auth = {}) {
  const socket = ioc(base + nsp, { transports: ["websocket"], forceNew: true, reconnection: false, auth });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connection to ${base}${nsp}`)), WAIT_MS);
    socket.on("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.on("connect_error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The arguments of the next `event` on `socket`. */
export function next(socket, event, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

/** Every `event` received from now on, in order. */
export function collect(socket, event) {
  const received = [];
  socket.on(event, (...args) => received.push(args));
  return received;
}

/** Emits with an acknowledgement and returns its first argument. */
export function ask(socket, event, ...args) {
  return socket.timeout(WAIT_MS).emitWithAck(event, ...args);
}

/** Waits until `check()` is truthy (polled), failing with `what` past the deadline. */
export async function until(what, check, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(25);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connected node-redis client. */
export async function redisClient() {
  const client = createClient({ url: REDIS_URL });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** PUBSUB NUMSUB of a channel. */
export async function subscribers(client, channel) {
  const counts = await client.pubSubNumSub(channel);
  return Number(counts[channel]);
}

/** Bytes of a received binary value (socket.io-client in Node gives a Buffer or an ArrayBuffer). */
export function bytes(value) {
  return [...Buffer.from(value instanceof ArrayBuffer ? new Uint8Array(value) : value)];
}
