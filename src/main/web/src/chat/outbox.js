// My messages the server has not stored yet, for the whole tab (every room), in the order I typed them, and the
// one sender that drains them. Pure logic: the connection, the views and the storage are behind `port`.
//
// Order: the server stores one user's messages in the order they arrive, so at most one `message:send` is in
// flight, and the first entry not refused for good (the head) is always the next one sent: nothing typed later
// can overtake it, across reconnects, ack timeouts and retries. A resend carries the same clientId; the server
// stores it once.
//
// What a failure does to the messages after it:
// - offline (no connection): the head keeps its place; every waiting entry shows "Not sent" until the connection
//   is back, then the queue is sent in order (after the room is joined again on the new connection: a send
//   before that would be refused).
// - no answer (timeout), rate_limited, unavailable: "not now". The head keeps its place and nothing after it is
//   sent; it is sent again after a pause (2 s, doubling to 30 s), or at once on Retry.
// - any other refusal (too_large, forbidden, bad_request, ...): the server would refuse it again as it is. It is
//   marked "Not sent" and set aside, and the queue goes on with the next one. Retry puts it back at the end of the
//   queue, so it is stored after the messages sent meanwhile; Discard drops it.
import { newClientId } from "./room-state.js";

export const RETRY_FIRST_MS = 2000;
export const RETRY_MAX_MS = 30000;

const OFFLINE = "offline";
const STATES = new Set(["pending", "failed"]);

/**
 * @typedef {{clientId: string, room: string, text: string, createdAt: string, state: "pending"|"failed",
 *            error: string|null, code: string|null, refused: boolean}} Entry
 */

export class Outbox {
  /**
   * @param port {
   *   connected() → boolean,
   *   ready(room) → boolean: connected, and the room joined on this connection,
   *   send(entry) → Promise<message>, rejecting an error with `code` and `transport` (may not have arrived),
   *   describe(error) → the failure as a sentence,
   *   changed(entry, {moved}) → show a new or changed entry (moved: it went to the end of the queue),
   *   removed(entry), stored(entry, message), save(entries)
   * }
   * @param saved   entries as `toJSON` gave them (restored after a reload); anything malformed is dropped
   * @param timers  {set, clear}: setTimeout and clearTimeout, replaceable in tests
   */
  constructor(port, saved = [], timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (id) => clearTimeout(id) }) {
    this.port = port;
    this.timers = timers;
    /** @type {Entry[]} in sending order */
    this.entries = (Array.isArray(saved) ? saved : []).map(restore).filter(Boolean);
    this.inFlight = null;
    this.timer = null;
    this.pause = 0;
    this.stopped = false;
  }

  get size() {
    return this.entries.length;
  }

  /** The entries of one room, in sending order. */
  forRoom(room) {
    return this.entries.filter((entry) => entry.room === room);
  }

  toJSON() {
    return this.entries.map(({ clientId, room, text, createdAt, state, error, code, refused }) =>
      ({ clientId, room, text, createdAt, state, error, code, refused }));
  }

  /** A message I just typed: shown at once, sent after every message before it. */
  add(room, text) {
    const entry = { clientId: newClientId(), room, text, createdAt: new Date().toISOString(), state: "pending",
      error: null, code: null, refused: false };
    this.entries.push(entry);
    this.port.changed(entry, { moved: false });
    this.save();
    this.drain();
    return entry;
  }

  /** Retry on a "Not sent" entry: a refused one goes to the end of the queue; a waiting one is tried now. */
  retry(clientId) {
    const entry = this.find(clientId);
    if (!entry || entry.state !== "failed") return;
    if (entry.refused) {
      this.entries.splice(this.entries.indexOf(entry), 1);
      this.entries.push(entry);
      entry.refused = false;
      this.set(entry, "pending", null, null, { moved: true });
    } else if (this.head() === entry) {
      this.cancelPause();
    }
    this.save();
    this.drain();
  }

  /** Discard on a "Not sent" entry: it is dropped (one whose answer was lost may be stored already). */
  discard(clientId) {
    const entry = this.find(clientId);
    if (!entry || entry.state !== "failed" || entry === this.inFlight) return;
    if (this.head() === entry) this.cancelPause();
    this.remove(entry);
    this.drain();
  }

  /** The room was left: its entries go. */
  dropRoom(room) {
    for (const entry of this.forRoom(room)) {
      if (this.head() === entry) this.cancelPause();
      this.remove(entry);
    }
    this.drain();
  }

  /**
   * The server refused to let me into the room (for good, not "not now"): its entries are set aside as refused,
   * with `text` saying why, so the queue goes on. They stay until I Discard them, or Retry them once the room may be
   * joined again; never dropped behind my back.
   */
  refuseRoom(room, text, code) {
    for (const entry of this.forRoom(room)) {
      if (entry === this.inFlight) continue;
      if (this.head() === entry) this.cancelPause();
      entry.refused = true;
      this.set(entry, "failed", text, code);
    }
    this.save();
    this.drain();
  }

  /** The connection is (back) up: what waited for it is sent again, in order, without waiting for a pause. */
  connected() {
    this.cancelPause();
    for (const entry of this.entries) {
      if (!entry.refused && entry.code === OFFLINE) this.set(entry, "pending", null, null);
    }
    this.save();
    this.drain();
  }

  /** No more sending or saving (signed out). */
  stop() {
    this.stopped = true;
    this.cancelPause();
  }

  /** Sends the head if it can go now; called again whenever that may have changed. */
  drain() {
    if (this.stopped || this.inFlight || this.timer !== null) return;
    const entry = this.head();
    if (!entry) return;
    if (!this.port.connected()) {
      this.waitForConnection();
      return;
    }
    if (!this.port.ready(entry.room)) return; // drained again once the room is joined
    this.inFlight = entry;
    this.set(entry, "pending", null, null);
    this.port.send(entry).then(
      (message) => this.sent(entry, message),
      (error) => this.failed(entry, error),
    ).finally(() => {
      this.inFlight = null;
      this.drain();
    });
  }

  // --- internals ------------------------------------------------------------------------------------------

  head() {
    return this.entries.find((entry) => !entry.refused) ?? null;
  }

  find(clientId) {
    return this.entries.find((entry) => entry.clientId === clientId) ?? null;
  }

  sent(entry, message) {
    if (!this.entries.includes(entry)) return; // its room was left meanwhile
    this.pause = 0;
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.save();
    this.port.stored(entry, message);
  }

  failed(entry, error) {
    if (!this.entries.includes(entry)) return;
    const code = typeof error?.code === "string" ? error.code : "error";
    const text = this.port.describe(error);
    if (code === OFFLINE) {
      this.set(entry, "failed", text, code); // drain() marks the others: the connection is gone
    } else if (error?.transport || code === "timeout" || code === "rate_limited" || code === "unavailable") {
      this.set(entry, "failed", text, code);
      this.pause = Math.min(RETRY_MAX_MS, this.pause ? this.pause * 2 : RETRY_FIRST_MS);
      this.timer = this.timers.set(() => {
        this.timer = null;
        this.drain();
      }, this.pause);
    } else {
      entry.refused = true;
      this.set(entry, "failed", text, code);
    }
    this.save();
  }

  /** Not connected: everything that waits says so (and is sent when the connection is back). */
  waitForConnection() {
    const offline = this.port.describe({ code: OFFLINE, transport: true });
    let changed = false;
    for (const entry of this.entries) {
      if (!entry.refused && entry.code !== OFFLINE) {
        this.set(entry, "failed", offline, OFFLINE);
        changed = true;
      }
    }
    if (changed) this.save();
  }

  cancelPause() {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.pause = 0;
  }

  set(entry, state, error, code, how = { moved: false }) {
    if (entry.state === state && entry.error === error && entry.code === code && !how.moved) return;
    entry.state = state;
    entry.error = error;
    entry.code = code;
    this.port.changed(entry, how);
  }

  remove(entry) {
    this.entries.splice(this.entries.indexOf(entry), 1);
    this.save();
    this.port.removed(entry);
  }

  save() {
    if (!this.stopped) this.port.save(this.toJSON());
  }
}

/** A saved entry checked field by field (sessionStorage is this tab's, but still input); null if malformed. */
function restore(saved) {
  if (saved == null || typeof saved !== "object") return null;
  const { clientId, room, text, createdAt, state, error, code, refused } = saved;
  if (typeof clientId !== "string" || !clientId || clientId.length > 128) return null;
  if (typeof room !== "string" || !room || typeof text !== "string" || !text || typeof createdAt !== "string") return null;
  return {
    clientId, room, text, createdAt,
    state: STATES.has(state) ? state : "pending",
    error: typeof error === "string" ? error : null,
    code: typeof code === "string" ? code : null,
    refused: refused === true,
  };
}
