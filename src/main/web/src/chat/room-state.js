// One room as this client knows it: messages by seq (no duplicates), the catch-up cursor and members (my own
// messages on their way are in the tab's Outbox). Pure logic, no DOM: the views render what it returns.

/** A UUID v4 for clientIds; crypto.randomUUID exists only on secure origins, getRandomValues everywhere. */
export function newClientId() {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isMessage(m) {
  return m != null && typeof m === "object" && Number.isSafeInteger(m.seq) && m.seq > 0
    && typeof m.text === "string" && typeof m.from === "string";
}

const CHANGE_KINDS = new Set(["edit", "delete", "reaction"]);

/** An edit, deletion or reaction of the message at seq `target` (an entry of the room's sequence, not shown itself). */
export function isChange(m) {
  return m != null && typeof m === "object" && Number.isSafeInteger(m.seq) && m.seq > 0
    && CHANGE_KINDS.has(m.kind) && Number.isSafeInteger(m.target) && m.target > 0;
}

export class RoomState {
  constructor(name) {
    this.name = name;
    /** seq → message */
    this.messages = new Map();
    /** the seqs held, ascending */
    this.order = [];
    /** the seqs of the edits and deletions seen: they count for the cursor like messages */
    this.changeSeqs = new Set();
    this.newestChange = 0;
    /** messages held whose text or state changed since takeChanged() was last called */
    this.changed = [];
    /**
     * Null until the first join answered; then the highest seq such that every message from the first one
     * held up to it is held: `room:join {since: cursor}` fetches exactly what is missing.
     */
    this.cursor = null;
    /** whether older messages than the oldest held exist */
    this.hasOlder = false;
    this.members = new Set();
    /** users seen in the room this session who have left it since */
    this.departed = new Set();
    this.unread = 0;
    /** unread messages that mention me or the room (the server's count after login, then live) */
    this.mentions = 0;
    /** The server's read position of mine here (null until rooms:mine told it). */
    this.lastRead = null;
    /** the connection (Connection.epoch) on which the room was last joined: my messages wait for it */
    this.joinedOn = null;
    /** why the server refused me this room for good, shown to me; null when it did not */
    this.refusal = null;
    /** the pause before the next `room:join` after failures in a row (ms; 0 after a success) */
    this.joinPause = 0;
    this.rejoinTimer = null;
    this.joining = null;
  }

  get joined() {
    return this.cursor !== null;
  }

  get oldestSeq() {
    return this.order.length ? this.order[0] : null;
  }

  get newestSeq() {
    return this.order.length ? this.order[this.order.length - 1] : null;
  }

  /**
   * Adds the messages not held yet; returns those added, in seq order. An edit or deletion among them is applied to
   * its message if held (see takeChanged()); a message not held yet comes in its latest state when it is fetched.
   */
  insert(messages) {
    const added = [];
    for (const m of Array.isArray(messages) ? messages : []) {
      if (isChange(m)) {
        this.applyChange(m);
        continue;
      }
      if (!isMessage(m) || this.messages.has(m.seq)) continue;
      this.messages.set(m.seq, m);
      this.order.splice(insertionIndex(this.order, m.seq), 0, m.seq);
      added.push(m);
    }
    added.sort((a, b) => a.seq - b.seq);
    return added;
  }

  /**
   * A change carries its message's state when it was read, so a change older than the last one applied to the
   * message (a catch-up read before a live edit and answered after it) must not take the message back.
   */
  applyChange(change) {
    this.changeSeqs.add(change.seq);
    this.newestChange = Math.max(this.newestChange, change.seq);
    const target = this.messages.get(change.target);
    if (!target || (target.changeSeq ?? 0) > change.seq) return;
    target.changeSeq = change.seq;
    // every change carries its message's state now; a reaction's own text is its emoji, not the message's
    target.reactions = Array.isArray(change.reactions) ? change.reactions : [];
    if (change.kind !== "reaction") target.text = typeof change.text === "string" ? change.text : target.text;
    target.edited = change.edited === true;
    target.editedTs = change.editedTs;
    target.deleted = change.deleted === true;
    if (!this.changed.includes(target)) this.changed.push(target);
  }

  /** The messages changed since the last call, to render again. */
  takeChanged() {
    const changed = this.changed;
    this.changed = [];
    return changed;
  }

  /** My newest message that I may still edit (not deleted), or null: what the up arrow edits. */
  lastOwn(me) {
    for (let i = this.order.length - 1; i >= 0; i -= 1) {
      const m = this.messages.get(this.order[i]);
      if (m.from === me && !m.deleted) return m;
    }
    return null;
  }

  /** The seq held right after `seq`, or null: where to insert a message in the view. */
  nextSeq(seq) {
    const i = insertionIndex(this.order, seq + 0.5);
    return i < this.order.length ? this.order[i] : null;
  }

  /** The answer to a plain `room:join` (the newest page). */
  applyJoin(ack) {
    this.setMembers(ack.members);
    const added = this.insert(ack.messages);
    const valid = (ack.messages ?? []).filter(isMessage);
    const pageNewest = valid.length ? Math.max(...valid.map((m) => m.seq)) : 0;
    this.hasOlder = ack.hasMore === true;
    this.cursor = Math.max(this.cursor ?? 0, pageNewest);
    this.advance();
    return added;
  }

  /**
   * The answer to `room:join {since}`: the oldest page after `since`.
   * Returns {added, more}: `more` when the server holds more after this page (page forward from `cursor`).
   */
  applyCatchUp(ack, since) {
    this.setMembers(ack.members);
    const added = this.insert(ack.messages);
    const valid = (ack.messages ?? []).filter(isMessage);
    const last = valid.length ? valid[valid.length - 1].seq : since;
    this.cursor = Math.max(this.cursor ?? 0, last);
    this.advance();
    return { added, more: ack.hasMore === true && valid.length > 0 };
  }

  /** A live `message`; returns {added: message|null, gap}: gap when messages before it are missing. */
  applyLive(message) {
    const [added = null] = this.insert([message]);
    if (this.cursor !== null) this.advance();
    return { added, gap: this.hasGap() };
  }

  /** An older page from `history:fetch {before}`. */
  applyOlder(ack) {
    const added = this.insert(ack.messages);
    this.hasOlder = ack.hasMore === true;
    return added;
  }

  /** True when a message newer than the cursor is held, so some between are missing. */
  hasGap() {
    return this.cursor !== null && Math.max(this.newestSeq ?? 0, this.newestChange) > this.cursor;
  }

  advance() {
    while (this.messages.has(this.cursor + 1) || this.changeSeqs.has(this.cursor + 1)) this.cursor += 1;
  }

  setMembers(members) {
    if (!Array.isArray(members)) return;
    for (const user of this.members) if (!members.includes(user)) this.departed.add(user);
    this.members = new Set(members.filter((u) => typeof u === "string"));
    for (const user of this.members) this.departed.delete(user);
  }

  memberJoined(user) {
    this.members.add(user);
    this.departed.delete(user);
  }

  memberLeft(user) {
    if (this.members.delete(user)) this.departed.add(user);
  }

  /** The server stored one of my messages: returns it if it was not held yet. */
  acknowledged(message) {
    return this.applyLive(message).added;
  }
}

/** The index at which `seq` goes in the ascending array `order`. */
function insertionIndex(order, seq) {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (order[mid] < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
