// The Socket.IO connection to one tenant's namespace, and its state as people understand it:
// connecting, connected, reconnecting, offline, suspended.
import { io } from "socket.io-client";

export const ACK_TIMEOUT_MS = 10000;
const SUSPENDED_RETRY_MS = 10000;
const FULL_RETRY_MS = 5000;
/** after CONNECT_ERROR "unavailable": the first pause (or the server's `retryAfter`, if longer), doubling to the last */
const BUSY_RETRY_FIRST_MS = 1000;
const BUSY_RETRY_MAX_MS = 30000;

/** A request that failed: `transport` when it may not have reached the server (offline, timeout). */
export class RequestError extends Error {
  constructor(code, message, transport = false) {
    super(message);
    this.code = code;
    this.transport = transport;
  }
}

export class Connection {
  /**
   * @param handlers {state(state, detail), connected(), fatal(kind), event(name, payload)}
   */
  constructor(tenant, token, handlers) {
    this.handlers = handlers;
    this.state = null;
    this.everConnected = false;
    /** counts the connections: a room joined on an earlier one has to be joined again */
    this.epoch = 0;
    this.closed = false;
    this.retryTimer = null;
    /** the last pause after "unavailable" refusals in a row (ms) */
    this.busyPause = 0;
    this.socket = io(`/${tenant}`, {
      auth: { token, rooms: "remembered" }, // this socket follows my rooms: joined on any device, until left
      forceNew: true,
      autoConnect: false,
      reconnectionDelay: 500,
      reconnectionDelayMax: 4000,
      randomizationFactor: 0.3,
      timeout: 10000,
    });
    this.wire();
  }

  wire() {
    const socket = this.socket;
    socket.on("connect", () => {
      this.everConnected = true;
      this.epoch += 1;
      this.busyPause = 0;
      this.setState("connected");
      this.handlers.connected();
    });
    socket.on("disconnect", (reason) => {
      if (this.closed) return;
      this.setState(navigator.onLine === false ? "offline" : "reconnecting");
      if (reason === "io server disconnect") {
        // revoked, suspended or deleted: the client does not retry by itself; a new CONNECT tells which
        this.retryLater(1000);
      }
    });
    socket.on("connect_error", (error) => {
      if (this.closed) return;
      const message = String(error?.message ?? "");
      if (message === "unauthorized") {
        this.handlers.fatal("unauthorized");
      } else if (message === "Invalid namespace") {
        this.handlers.fatal("unknown-tenant");
      } else if (message === "tenant suspended") {
        this.setState("suspended");
        this.retryLater(SUSPENDED_RETRY_MS);
      } else if (message === "unavailable") {
        // The server could not check my token (its store failed or is busy): no verdict on it, so the session and
        // my unsent messages stay. socket.io-client does not retry a CONNECT_ERROR by itself.
        this.setState(this.everConnected ? "reconnecting" : "connecting", "the server is busy");
        this.retryLater(this.nextBusyPause(error?.data));
      } else if (message === "tenant full") {
        this.setState(this.everConnected ? "reconnecting" : "connecting", "the workspace is full");
        this.retryLater(FULL_RETRY_MS);
      } else {
        // a transport error: the manager retries with backoff
        this.setState(navigator.onLine === false ? "offline" : this.everConnected ? "reconnecting" : "connecting");
        if (!socket.active) this.retryLater(2000);
      }
    });
    socket.io.on("reconnect_attempt", (attempt) => {
      if (this.closed || socket.connected) return;
      this.setState(navigator.onLine === false ? "offline" : "reconnecting", `attempt ${attempt}`);
    });
    socket.onAny((name, payload) => {
      if (!this.closed) this.handlers.event(name, payload);
    });
    this.onOnline = () => {
      if (this.closed) return;
      if (socket.connected) {
        this.setState("connected");
        return;
      }
      this.setState("reconnecting");
      if (!socket.active) socket.connect();
    };
    this.onOffline = () => {
      if (!this.closed && !socket.connected) this.setState("offline");
      else if (!this.closed) this.setState("offline", "waiting for the network");
    };
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
  }

  open() {
    this.setState("connecting");
    this.socket.connect();
  }

  get connected() {
    return this.socket.connected;
  }

  retryLater(ms) {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.closed && !this.socket.connected && !this.socket.active) this.socket.connect();
    }, ms);
  }

  /**
   * The pause before the next CONNECT after an "unavailable": doubling while they come in a row, never shorter than
   * the server's `retryAfter` (seconds), with jitter so that the clients it refused together do not come back together.
   */
  nextBusyPause(data) {
    const hint = Number.isFinite(data?.retryAfter) ? Math.max(0, data.retryAfter) * 1000 : 0;
    this.busyPause = Math.min(BUSY_RETRY_MAX_MS, this.busyPause ? this.busyPause * 2 : BUSY_RETRY_FIRST_MS);
    return Math.max(hint, this.busyPause) * (1 + Math.random() * 0.3);
  }

  setState(state, detail = "") {
    if (this.state === state && this.detail === detail) return;
    this.state = state;
    this.detail = detail;
    this.handlers.state(state, detail);
  }

  /** Emits with an acknowledgement; resolves the `{ok:true}` answer, rejects a RequestError otherwise. */
  request(event, payload, timeoutMs = ACK_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      if (!this.socket.connected) {
        reject(new RequestError("offline", "not connected", true));
        return;
      }
      this.socket.timeout(timeoutMs).emit(event, payload, (error, ack) => {
        if (error) {
          // the ack timed out, or the socket was disconnected before it came
          reject(new RequestError(this.socket.connected ? "timeout" : "offline", "no answer from the server", true));
        }
        else if (ack?.ok === true) resolve(ack);
        else reject(new RequestError(ack?.error?.code ?? "error", ack?.error?.message ?? "request refused"));
      });
    });
  }

  /**
   * Fire and forget, only while connected (never queued for a later connection). Not `volatile`: that would
   * also drop it while a polling request is in flight.
   */
  notify(event, payload) {
    if (this.socket.connected) this.socket.emit(event, payload);
  }

  close() {
    this.closed = true;
    clearTimeout(this.retryTimer);
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    this.socket.offAny();
    this.socket.disconnect();
  }
}
