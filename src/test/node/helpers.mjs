// Shared helpers for the Node client tests (run by NodeClientTest against FixtureServer).
import { io, Manager } from "socket.io-client";

/** Generous default wait for one event: the machine may be small and loaded. */
export const WAIT_MS = 5000;

export const SERVER_URL = (() => {
  const url = process.env.SERVER_URL;
  if (!url) {
    throw new Error("SERVER_URL is not set (it is the FixtureServer base URL, e.g. http://localhost:8080)");
  }
  return url.replace(/\/+$/, "");
})();

/** The three transport setups every scenario runs over. */
export const TRANSPORTS = {
  websocket: { transports: ["websocket"] },
  polling: { transports: ["polling"] },
  upgrade: {}, // default: polling first, then upgrade to websocket
};

/** Resolves with the event's arguments (as an array) or rejects after `ms`. */
export function once(emitter, event, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out after ${ms} ms waiting for '${event}'`));
    }, ms);
    const listener = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    emitter.once(event, listener);
  });
}

/** Resolves once `predicate()` holds, checking every 20 ms; rejects after `ms`. */
export function waitFor(predicate, what, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (predicate()) {
        resolve();
      } else if (Date.now() - started > ms) {
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      } else {
        setTimeout(check, 20);
      }
    };
    check();
  });
}

/** Records every payload (first argument) of `event` on `socket`. */
export function record(socket, event) {
  const received = [];
  socket.on(event, (payload) => received.push(payload));
  return received;
}

/** Resolves with the first payload of `event` equal to `value`; rejects after `ms`. */
export function receive(socket, event, value, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out after ${ms} ms waiting for '${event}' ${JSON.stringify(value)}`));
    }, ms);
    const listener = (payload) => {
      if (payload === value) {
        clearTimeout(timer);
        socket.off(event, listener);
        resolve(payload);
      }
    };
    socket.on(event, listener);
  });
}

/** Emits with an acknowledgement; resolves with all ack arguments, rejects if none comes within `ms`. */
export function ack(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(WAIT_MS).emit(event, ...args, (err, ...answer) => (err ? reject(
      new Error(`no ack for '${event}' within ${WAIT_MS} ms`)) : resolve(answer)));
  });
}

/** A round trip on `socket`: when it returns, everything the server queued for it earlier has arrived. */
export async function barrier(socket) {
  const token = unique("barrier");
  const answer = await ack(socket, "echo", token);
  if (answer[0] !== token) {
    throw new Error(`echo barrier returned ${JSON.stringify(answer)}`);
  }
}

let counter = 0;
/** A value unique within this process and distinct from other test files' values. */
export function unique(prefix) {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Opens sockets and managers for one test and closes them all in `close()` (call it from afterEach).
 * Sockets are created with autoConnect off so that listeners can be added before anything arrives.
 */
export class Clients {
  constructor(transport) {
    this.transport = transport;
    this.sockets = [];
    this.managers = [];
  }

  options(extra = {}) {
    return { forceNew: true, reconnection: false, timeout: 10000, autoConnect: false, ...this.transport, ...extra };
  }

  /** A socket on `namespace`, not yet connecting. */
  socket(namespace, extra = {}) {
    const socket = io(SERVER_URL + namespace, this.options(extra));
    this.sockets.push(socket);
    return socket;
  }

  /** A Manager that the caller makes sockets from (they are closed too). */
  manager(extra = {}) {
    const manager = new Manager(SERVER_URL, this.options(extra));
    this.managers.push(manager);
    return manager;
  }

  track(socket) {
    this.sockets.push(socket);
    return socket;
  }

  /** Connects a new socket on `namespace` and waits for its `welcome`; resolves with the socket. */
  async connected(namespace = "/test", extra = {}) {
    const socket = this.socket(namespace, extra);
    const welcome = once(socket, "welcome");
    await connect(socket);
    const [payload] = await welcome;
    if (!payload || payload.id !== socket.id) {
      throw new Error(`welcome ${JSON.stringify(payload)} does not carry the socket id ${socket.id}`);
    }
    return socket;
  }

  close() {
    for (const socket of this.sockets) {
      socket.removeAllListeners();
      socket.disconnect();
    }
    for (const manager of this.managers) {
      manager.engine?.close();
    }
    this.sockets = [];
    this.managers = [];
  }
}

/** Starts connecting `socket` (if needed) and resolves on `connect`, rejects on `connect_error` or timeout. */
export function connect(socket, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${ms} ms connecting ${socket.nsp}`));
    }, ms);
    const onConnect = () => {
      cleanup();
      resolve(socket);
    };
    const onError = (err) => {
      cleanup();
      reject(new Error(`connect_error on ${socket.nsp}: ${err.message}`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
    };
    socket.on("connect", onConnect);
    socket.on("connect_error", onError);
    if (socket.connected) {
      onConnect();
    } else if (!socket.active) {
      socket.connect();
    }
  });
}

/** Bytes of a Buffer / ArrayBuffer / typed array, or null when `value` is not binary. */
export function bytesOf(value) {
  if (Buffer.isBuffer(value)) {
    return [...value];
  }
  if (value instanceof ArrayBuffer) {
    return [...new Uint8Array(value)];
  }
  if (ArrayBuffer.isView(value)) {
    return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  }
  return null;
}

/** An environment variable the JUnit test that runs the script sets; throws when it is not set. */
export function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * A socket of the tenant `TENANT` (of the environment) that follows its user's rooms, on the client's default
 * options, kept in `sockets` to be closed; resolves with it and its first rooms:mine once connected.
 */
export async function follow(token, sockets) {
  const socket = io(`${SERVER_URL}/${need("TENANT")}`, { auth: { token, rooms: "remembered" }, forceNew: true });
  sockets.push(socket);
  const mine = once(socket, "rooms:mine", 15000);
  await once(socket, "connect", 15000);
  return { socket, mine: (await mine)[0] };
}
