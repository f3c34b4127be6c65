// How far I have read each room, kept by the server for every tab and device (`room:read`, `rooms:mine`'s lastRead,
// unread and mentions): the unread and mention badges right after login, the "New messages" line, and marking read
// what I have seen.
import { mentionsMe } from "./mentions.js";

/** A pause before a room in view is marked read, so that reading a busy room sends one mark a second, not one a message. */
export const MARK_DELAY_MS = 1000;

export class ReadTracker {
  /**
   * @param app the chat: {rooms: Map<name, {state, pane}>, viewName, me, connection, renderRooms()}
   */
  constructor(app) {
    this.app = app;
    this.timer = null;
    /** rooms:mine answered: every room it named has the server's position; one without was not in the list. */
    this.listed = false;
  }

  /** A room of `rooms:mine`: the server's position and count (an older server sends neither). */
  fromServer(state, room) {
    if (Number.isSafeInteger(room.lastRead) && room.lastRead >= 0) {
      state.lastRead = Math.max(state.lastRead ?? 0, room.lastRead);
    }
    if (Number.isSafeInteger(room.unread) && room.unread >= 0) {
      state.unread = room.unread;
      state.serverUnread = room.unread;
    }
    if (Number.isSafeInteger(room.mentions) && room.mentions >= 0) {
      state.mentions = room.mentions;
      state.serverMentions = room.mentions;
    }
  }

  /** The room's mentions of me once `added` came in: as unreadWith, over the messages that mention me. */
  mentionsWith(state, added) {
    const me = this.app.me;
    if (state.lastRead == null) return state.mentions + added.filter((m) => m.from !== me && mentionsMe(m.text, me)).length;
    const read = Math.max(state.lastRead ?? 0, state.seenThrough ?? 0);
    return Math.max(state.serverMentions ?? 0, mentionsAfter(state, read, me));
  }

  /**
   * The room's unread count once `fromOthers` more messages of others came in: counted from my position over the
   * messages held (a catch-up brings again what the server already counted: never twice), and never below the
   * server's count, which also covers messages this tab does not hold.
   */
  unreadWith(state, fromOthers) {
    if (state.lastRead == null) return state.unread + fromOthers;
    const read = Math.max(state.lastRead, state.seenThrough ?? 0);
    return Math.max(state.serverUnread ?? 0, unreadAfter(state, read, this.app.me));
  }

  /** The room comes into view: the line above its first unread message, if it has unread ones. */
  opened(room) {
    const { state, pane } = room;
    pane.showNewLine(state.lastRead != null && state.unread > 0 ? state.lastRead : null);
    pane.revealNewLine();
  }

  /** Another tab or device of mine read up to `seq`. */
  moved(payload) {
    const room = this.app.rooms.get(payload.room);
    if (!room || !Number.isSafeInteger(payload.seq)) return;
    const { state } = room;
    if (payload.seq <= (state.lastRead ?? 0)) return;
    state.lastRead = payload.seq;
    state.serverUnread = 0;
    state.unread = unreadAfter(state, payload.seq, this.app.me);
    state.serverMentions = 0;
    state.mentions = mentionsAfter(state, payload.seq, this.app.me);
    this.app.renderRooms();
  }

  /** The room in view may have been read: marked after a pause, if it still is in view and the window has focus. */
  seen() {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.markNow();
    }, MARK_DELAY_MS);
  }

  markNow() {
    const room = this.app.rooms.get(this.app.viewName);
    if (!room || document.hidden || !document.hasFocus() || !this.app.connection.connected) return;
    const { state } = room;
    // the server's position first (rooms:mine): marking before it came would hide the "New messages" line. A room the
    // list did not name (joined from this tab or another after it came) gets no position until the next sign-in:
    // marked from 0, which is safe, the server's position only moves forward and its ack tells where it is
    const position = state.lastRead ?? (this.listed ? 0 : null);
    if (position == null || !state.joined || !(state.cursor > position)) return;
    const seq = state.cursor;
    this.app.connection.request("room:read", { room: state.name, seq }).then((ack) => {
      if (Number.isSafeInteger(ack.seq)) state.lastRead = Math.max(state.lastRead ?? 0, ack.seq);
    }, () => {
      // not now (offline, rate limited, not joined yet): marked again when the room is seen next
    });
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The messages of others the room holds after `seq` (not deleted): what is unread once `seq` is read. */
export function unreadAfter(state, seq, me, counts = () => true) {
  let count = 0;
  for (const s of state.order) {
    const message = state.messages.get(s);
    if (s > seq && message && message.from !== me && message.deleted !== true && counts(message)) count += 1;
  }
  return count;
}

/** Those of them that mention me or the room (their latest text, as the server counts). */
export function mentionsAfter(state, seq, me) {
  return unreadAfter(state, seq, me, (message) => mentionsMe(message.text, me));
}
