// The chat screen: wires the connection, the rooms' states and the views together.
import { h, replaceChildren, setText } from "../dom.js";
import { isChat, isConversation, isRoom, MAX_TEXT } from "../names.js";
import {
  clearSession,
  loadOutbox,
  loadConfirmedRooms,
  loadRooms,
  loadView,
  saveConfirmedRooms,
  saveOutbox,
  saveRooms,
  saveView,
} from "../storage.js";
import { logout as apiLogout } from "../api.js";
import { longTime, shortTime } from "../time.js";
import { Connection, RequestError } from "./connection.js";
import { waitForGap } from "./gap-wait.js";
import { buildLayout } from "./layout.js";
import { renderDirectory, renderPeople, renderRoomList } from "./lists.js";
import { ReadTracker } from "./read-position.js";
import { Outbox } from "./outbox.js";
import { Pacer } from "./pacer.js";
import { RoomPane } from "./room-pane.js";
import { RoomState } from "./room-state.js";
import { MAX_TOPIC, TopicLine } from "./topic.js";
import { TypingTracker } from "./typing.js";
import { MessageEditor } from "./edits.js";
import { SearchPanel } from "./search.js";
import { MentionComplete } from "./mention-complete.js";
import { Notifier } from "./notifications.js";
import { QuickSwitcher } from "./switcher.js";
import { PasswordDialog } from "./password.js";
import { conversationLabel, renderReceipt, UserPicker } from "./direct.js";
import { People } from "./people.js";

const TYPING_EVERY_MS = 2000;
const DIRECTORY_EVERY_MS = 30000;
/** rooms a `rooms:directory` page names (the server's largest) */
const DIRECTORY_PAGE = 100;
const MAX_ANNOUNCEMENTS = 3;
const DEFAULT_ROOM = "general";
/** after a `room:join` that got no answer, or `rate_limited` / `unavailable`: the first pause, doubling to the last */
const REJOIN_FIRST_MS = 1000;
const REJOIN_MAX_MS = 30000;
/** "not now" answers to a `room:join`: asked again after a pause; any other refusal is for good */
const TRANSIENT = new Set(["timeout", "rate_limited", "unavailable"]);

const STATE_TEXT = {
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  suspended: "Workspace suspended",
};

export class ChatApp {
  /**
   * @param session   {tenant, user, token, kind}
   * @param onSignedOut (message, tenant, isError) → shows the login screen
   */
  constructor(root, session, onSignedOut) {
    this.root = root;
    this.session = session;
    this.tenant = session.tenant;
    this.me = session.user;
    this.onSignedOut = onSignedOut;
    /** name → {state: RoomState, pane: RoomPane}, in joining order */
    this.rooms = new Map();
    this.viewName = null;
    this.online = new Set([this.me]);
    this.listed = [];
    this.lastTypingSent = 0;
    this.stopped = false;
    /** paces my `room:join`s, so that a reconnect with many rooms stays within the server's event limit */
    this.pacer = new Pacer();
    this.typing = new TypingTracker((room) => {
      if (room === this.viewName) this.renderTyping();
    });
    this.topic = new TopicLine({ save: (room, text) => this.saveTopic(room, text) });
    this.people = new People({
      // paced like my joins: a reconnect's burst of them stays within the server's event limit
      request: async (event, payload) => {
        await this.pacer.take();
        return this.connection.request(event, payload);
      },
      onChange: () => this.renamed(),
    });
    const label = (user) => this.people.label(user);
    this.search = new SearchPanel({
      request: (event, payload) => this.connection.request(event, payload),
      open: (room, seq) => this.openMessage(room, seq),
      describe: (error) => describe(error),
      person: label,
      // a conversation I hid is not in my list: its members are unknown here
      room: (name) => (isConversation(name) && !this.rooms.has(name) ? "Direct message" : this.title(name)),
    });
    this.notifier = new Notifier({ me: this.me, label, open: (room) => this.rooms.has(room) && this.view(room) });
    this.switcher = new QuickSwitcher({
      rooms: () => [...this.rooms.values()].map(({ state }) => ({ name: state.name, unread: state.unread,
        label: isConversation(state.name) ? conversationLabel(state, this.me, this.people) : undefined })),
      open: (room) => this.view(room),
    });
    this.picker = new UserPicker({
      request: (event, payload) => this.connection.request(event, payload),
      open: (users) => this.openDm(users),
      me: this.me,
      people: this.people,
    });
    // a token from an identity provider has no password here to change
    this.password = session.kind === "password"
      ? new PasswordDialog({ tenant: this.tenant, token: session.token, me: this.me,
        sessionEnded: (message) => this.signOut(message) })
      : null;
    this.ui = buildLayout({ tenant: this.tenant, me: this.me, people: this.people, topic: this.topic, search: this.search,
      notifier: this.notifier, switcher: this.switcher, picker: this.picker, password: this.password });
    this.connection = new Connection(this.tenant, session.token, {
      state: (state, detail) => this.showConnection(state, detail),
      connected: () => this.onConnected(),
      fatal: (kind) => this.onFatal(kind),
      event: (name, payload) => this.onEvent(name, payload),
    });
  }

  start() {
    replaceChildren(this.root, this.ui.root);
    this.wireUi();
    const remembered = loadRooms(this.tenant).filter(isChat);
    const confirmed = loadConfirmedRooms(this.tenant);
    for (const name of remembered.length ? remembered : [DEFAULT_ROOM]) {
      this.addRoom(name).state.confirmed = confirmed.has(name);
    }
    // a first visit's default room: dropped if the server remembers rooms of mine (joined on another device)
    if (!remembered.length) this.rooms.get(DEFAULT_ROOM).state.byDefault = true;
    this.outbox = this.newOutbox(loadOutbox(this.tenant, this.me).filter((entry) => this.rooms.has(entry?.room)));
    for (const entry of this.outbox.entries) this.rooms.get(entry.room).pane.renderOutbox(entry);
    const view = loadView(this.tenant);
    this.view(this.rooms.has(view) ? view : this.rooms.keys().next().value ?? null, { focus: false });
    this.saveRooms();
    this.connection.open();
    this.directoryTimer = setInterval(() => this.refreshDirectory(), DIRECTORY_EVERY_MS);
    this.onVisibility = () => {
      if (!document.hidden) this.markViewRead();
      this.reads.seen();
    };
    document.addEventListener("visibilitychange", this.onVisibility);
    this.onBeforeUnload = (event) => {
      // unsent messages survive a reload (sessionStorage), not closing the tab: ask first
      if (!this.outbox.size) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", this.onBeforeUnload);
    this.ui.composerInput.focus();
  }

  stop() {
    this.stopped = true;
    this.outbox?.stop();
    clearInterval(this.directoryTimer);
    document.removeEventListener("visibilitychange", this.onVisibility);
    document.removeEventListener("keydown", this.onShortcut);
    window.removeEventListener("focus", this.onFocus);
    this.reads?.stop();
    window.removeEventListener("beforeunload", this.onBeforeUnload);
    this.typing.clearAll();
    this.connection.close();
  }

  wireUi() {
    const ui = this.ui;
    ui.logout.addEventListener("click", () => this.logout());
    ui.joinForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = ui.joinInput.value.trim().replace(/^#/, "");
      if (!isRoom(name)) {
        this.notice("A room name is 1 to 64 letters, digits, “-”, “_” or “.”.");
        ui.joinInput.focus();
        return;
      }
      ui.joinInput.value = "";
      this.join(name);
    });
    ui.refreshRooms.addEventListener("click", () => this.refreshDirectory());
    this.editor = new MessageEditor(this);
    this.reads = new ReadTracker(this);
    this.onFocus = () => this.reads.seen();
    window.addEventListener("focus", this.onFocus);
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendFromComposer();
    });
    this.mentionBox = new MentionComplete(ui.composerInput, () => this.peopleOf(this.viewName),
      (user) => this.people.label(user));
    ui.composer.append(this.mentionBox.el);
    this.onShortcut = (event) => {
      if (!QuickSwitcher.isShortcut(event)) return;
      event.preventDefault();
      this.switcher.show();
    };
    document.addEventListener("keydown", this.onShortcut);
    ui.composerInput.addEventListener("keydown", (event) => {
      if (this.mentionBox.onKey(event)) return;
      if (this.editor.onComposerKey(event)) return;
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.sendFromComposer();
      }
    });
    ui.composerInput.addEventListener("input", () => {
      this.autoGrow();
      const now = Date.now();
      // editing an old message is not writing a new one: no one is told
      if (this.viewName && !this.editor?.editing && ui.composerInput.value.trim()
        && now - this.lastTypingSent > TYPING_EVERY_MS) {
        this.lastTypingSent = now;
        this.connection.notify("typing", { room: this.viewName });
      }
    });
    for (const [toggle, drawer] of [[ui.roomsToggle, ui.sidebar], [ui.peopleToggle, ui.peoplePanel]]) {
      toggle.addEventListener("click", () => this.toggleDrawer(toggle, drawer));
    }
    for (const [close, toggle] of [[ui.closeRooms, ui.roomsToggle], [ui.closePeople, ui.peopleToggle]]) {
      close.addEventListener("click", () => {
        this.closeDrawers();
        toggle.focus();
      });
    }
    ui.root.addEventListener("keydown", (event) => {
      // a dialog's Escape closes the dialog only (the drawer stays, with the button that opened the dialog)
      if (event.key !== "Escape" || event.target.closest?.("dialog")) return;
      const open = [[ui.roomsToggle, ui.sidebar], [ui.peopleToggle, ui.peoplePanel]]
        .find(([toggle]) => toggle.getAttribute("aria-expanded") === "true");
      if (!open) return;
      this.closeDrawers();
      open[0].focus();
    });
  }

  // --- connection -----------------------------------------------------------------------------------------

  showConnection(state, detail) {
    const el = this.ui.connection;
    el.dataset.state = state;
    setText(el.querySelector(".connection-text"), STATE_TEXT[state] + (detail ? ` (${detail})` : ""));
    if (state === "suspended") this.notice("This workspace is suspended by its administrator. Retrying every few seconds…");
    else if (state === "connected") this.clearNotice();
    if (state !== "connected") this.outbox?.drain(); // what waits shows "Not sent" while the connection is gone
  }

  async onConnected() {
    this.online.add(this.me);
    this.people.resume(); // names asked while the connection was down go now
    // my unsent messages go again, in order, each room's once it is joined on this connection
    this.outbox.connected();
    // the rooms the server remembers for me (joined on any device, left nowhere) first: they are the list
    await this.reconcileRooms();
    if (this.stopped || !this.connection.connected) return;
    // the room in view first (the pacer also puts it first); a room refused for good waits for Retry
    const rooms = [...this.rooms.values()].filter(({ state }) => state.refusal === null)
      .sort((a, b) => (b.state.name === this.viewName) - (a.state.name === this.viewName));
    await Promise.all(rooms.map(({ state }) => this.sync(state)));
    if (this.stopped || !this.connection.connected) return;
    this.refreshDirectory();
  }

  onFatal(kind) {
    if (kind === "unauthorized") {
      this.signOut(this.session.kind === "token" && !this.connection.everConnected
        ? `That token was not accepted by the workspace “${this.tenant}”.`
        : "Your session has ended (it expired, was signed out, or your password was changed). Please sign in again.");
    } else if (kind === "unknown-tenant") {
      this.signOut(`There is no workspace called “${this.tenant}”. Check its name.`);
    }
  }

  signOut(message) {
    this.stop();
    clearSession();
    this.onSignedOut(message, this.tenant, true);
  }

  async logout() {
    this.stop();
    await apiLogout(this.tenant, this.session.token);
    clearSession();
    this.onSignedOut("You have logged out.", this.tenant, false);
  }

  onEvent(name, payload) {
    if (payload == null || typeof payload !== "object") return;
    switch (name) {
      case "message":
        if (this.rooms.has(payload.room)) this.notifier.message(payload.room, payload);
        return this.onMessage(payload);
      case "message:edited":
      case "message:deleted":
      case "reaction:toggled":
        return this.onMessage(payload);
      case "room:joined":
        return this.onPresence(payload.room, (state) => {
          state.memberJoined(payload.user);
          this.online.add(payload.user);
        });
      case "room:left":
        this.typing.stop(payload.room, payload.user);
        return this.onPresence(payload.room, (state) => state.memberLeft(payload.user));
      case "typing":
        if (typeof payload.user === "string" && payload.user !== this.me && this.rooms.has(payload.room)) {
          this.typing.typing(payload.room, payload.user);
        }
        return;
      case "user:online":
        if (typeof payload.user === "string") this.online.add(payload.user);
        return this.renderPeople();
      case "user:offline":
        if (typeof payload.user === "string") this.online.delete(payload.user);
        return this.renderPeople();
      case "announcement":
        return this.showAnnouncement(payload);
      case "user:updated": // the admin renamed someone: every place showing them follows
        if (typeof payload.user === "string") this.people.learn([{ username: payload.user, displayName: payload.displayName }]);
        return;
      case "room:remembered": // I joined it in another tab or on another device, or someone opened a DM with me
        if (isChat(payload.room) && !this.rooms.has(payload.room)) this.adopt(payload.room);
        this.setMembers(payload.room, payload.members);
        return;
      case "dm:read": // a receipt: another member read this conversation up to seq
        return this.onReceipt(payload);
      case "room:forgotten": // I left it in another tab or on another device
        if (this.rooms.has(payload.room)) this.removeRoom(payload.room);
        this.refreshDirectory();
        return;
      case "room:topic":
        return this.setTopic(payload.room, payload.topic);
      case "room:read": // I read it in another tab or on another device
        return this.reads.moved(payload);
      default:
    }
  }

  onPresence(roomName, change) {
    const room = this.rooms.get(roomName);
    if (!room) return;
    change(room.state);
    if (roomName === this.viewName) this.renderPeople();
  }

  onMessage(message) {
    const room = this.rooms.get(message.room);
    if (!room) return;
    const { added, gap } = room.state.applyLive(message);
    this.shown(room, added ? [added] : []);
    if (gap) waitForGap(room.state, (state) => this.catchUpIfHeld(state));
  }

  /** The server stored my edit or deletion: applied as a live one (the other sockets got it so). */
  applied(roomName, entry) {
    this.onMessage({ ...entry, room: roomName });
  }

  /** Renders messages just added to a room; counts them unread when the room is not in view. */
  shown(room, added) {
    const changed = room.state.takeChanged();
    room.pane.update(changed);
    if (changed.length && room.state.name !== this.viewName) {
      // an edit may add or take away a mention of me: counted again by the latest texts (never below the server's)
      room.state.mentions = this.reads.mentionsWith(room.state, []);
      this.renderRooms();
    }
    if (!added.length) return;
    room.pane.insert(added);
    for (const message of added) this.typing.stop(room.state.name, message.from);
    const fromOthers = added.filter((m) => m.from !== this.me).length;
    if (fromOthers && (room.state.name !== this.viewName || document.hidden)) {
      room.state.unread = this.reads.unreadWith(room.state, fromOthers);
      room.state.mentions = this.reads.mentionsWith(room.state, added);
      this.renderRooms();
    }
    if (room.state.name === this.viewName) this.reads.seen();
    this.renderReceipt(room.state.name);
  }

  // --- rooms ----------------------------------------------------------------------------------------------

  addRoom(name) {
    const state = new RoomState(name);
    const pane = new RoomPane(state, this.me, this.people, {
      loadOlder: (room) => this.loadOlder(room),
      retry: (clientId) => this.retrySend(name, clientId),
      discard: (clientId) => this.outbox.discard(clientId),
      edit: (roomName, seq) => this.editor.start(roomName, seq),
      remove: (roomName, seq) => this.editor.remove(roomName, seq),
      react: (roomName, seq, emoji) => this.editor.react(roomName, seq, emoji),
    });
    const room = { state, pane };
    this.rooms.set(name, room);
    this.ui.panes.append(pane.el);
    this.renderRooms();
    return room;
  }

  async join(name) {
    const existing = this.rooms.get(name);
    if (existing) {
      this.view(name);
      return;
    }
    const room = this.addRoom(name);
    this.saveRooms();
    this.view(name);
    if (this.connection.connected) await this.sync(room.state);
    // not connected: it is joined on (re)connection
  }

  /** Joins (first time) or catches up (since the cursor) a room after a (re)connection. */
  async sync(state) {
    if (!state.joined) return this.firstJoin(state);
    return this.catchUp(state);
  }

  /** The first `room:join` of a room; one at a time (a retry and a reconnection may both ask for it). */
  firstJoin(state) {
    state.joining ??= this.tryFirstJoin(state).finally(() => {
      state.joining = null;
    });
    return state.joining;
  }

  async tryFirstJoin(state) {
    const room = this.rooms.get(state.name);
    try {
      const { ack, epoch } = await this.requestJoin(state, { room: state.name });
      if (this.rooms.get(state.name) !== room) return;
      const added = state.applyJoin(ack);
      this.setTopic(state.name, ack.topic ?? null);
      this.joined(state, epoch);
      this.saveRooms(); // remembered by the server now: confirmed
      for (const user of state.members) this.online.add(user);
      room.pane.insert(added);
      room.pane.updateEdge();
      this.renderReceipt(state.name);
      if (state.name === this.viewName) {
        room.pane.show();
        this.renderPeople();
      }
      if (state.hasGap()) this.catchUp(state);
    } catch (error) {
      if (this.rooms.get(state.name) !== room) return;
      // a fault of this page (showing what came back), not the server's answer: the room stays
      if (!(error instanceof RequestError)) return pageFault(`#${state.name}`, error);
      // no answer, rate_limited, unavailable: asked again after a pause; offline: joined on the next connection
      if (TRANSIENT.has(error.code)) this.syncLater(state);
      else if (!error.transport) this.refused(state, error);
    }
  }

  /**
   * A `room:join`, paced (the room in view first). Resolves the ack and the connection it was answered on, which is
   * read when it is sent: a reconnection while it waited for its turn joins it on the new one.
   */
  async requestJoin(state, payload) {
    await this.pacer.take({ urgent: state.name === this.viewName });
    const epoch = this.connection.epoch;
    try {
      const ack = await this.connection.request("room:join", payload);
      state.joinPause = 0;
      return { ack, epoch };
    } catch (error) {
      // other tabs (or this one, before) took the user's budget: what waits here waits for a new token
      if (error.code === "rate_limited") this.pacer.spent();
      throw error;
    }
  }

  /**
   * The server will not let me into the room (forbidden, too_large, ...): asking again as it is would not help. I am
   * told; my unsent messages to it stay, "Not sent", until I Discard them (then the room goes) or Retry (then it is
   * asked again). A room without any goes at once.
   */
  refused(state, error) {
    const why = `Cannot join #${state.name}: ${describe(error)}`;
    this.notice(why);
    if (!this.outbox.forRoom(state.name).length) {
      this.removeRoom(state.name);
      return;
    }
    state.refusal = why;
    this.outbox.refuseRoom(state.name, why, error.code);
  }

  /** Retry on one of my messages: to a room that refused me, it asks to join again first. */
  retrySend(name, clientId) {
    this.outbox.retry(clientId);
    const state = this.rooms.get(name)?.state;
    if (!state || state.refusal === null) return;
    state.refusal = null;
    state.joinPause = 0;
    if (this.connection.connected) this.sync(state);
  }

  /** One of my messages was discarded (or its room left): a refused room goes with the last of them. */
  outboxRemoved(entry) {
    const room = this.rooms.get(entry.room);
    if (!room) return;
    room.pane.removeOutbox(entry.clientId);
    if (room.state.refusal !== null && !this.outbox.forRoom(entry.room).length) this.removeRoom(entry.room);
  }

  /** A catch-up that waited: none for a room left (or left and joined again) meanwhile. */
  catchUpIfHeld(state) {
    if (this.rooms.get(state.name)?.state === state) this.catchUp(state);
  }

  /** Fetches exactly what is missing after the cursor, page by page (`room:join` with `since`). */
  catchUp(state) {
    if (state.syncing) {
      state.syncAgain = true;
      return state.syncing;
    }
    const room = this.rooms.get(state.name);
    state.syncing = (async () => {
      try {
        do {
          state.syncAgain = false;
          let more = true;
          while (more && this.rooms.get(state.name) === room) {
            const since = state.cursor;
            const { ack, epoch } = await this.requestJoin(state, { room: state.name, since });
            if (this.rooms.get(state.name) !== room) break;
            this.joined(state, epoch);
            const result = state.applyCatchUp(ack, since);
            for (const user of state.members) this.online.add(user);
            this.shown(room, result.added);
            more = result.more;
          }
        } while (state.syncAgain);
      } catch (error) {
        // A refused `room:join` did not join the room: my messages to it wait (they would be refused `forbidden`).
        if (this.rooms.get(state.name) !== room) {
          // left meanwhile
        } else if (!(error instanceof RequestError)) {
          pageFault(`#${state.name}`, error);
        } else if (TRANSIENT.has(error.code)) {
          this.syncLater(state);
        } else if (!error.transport && state.joinedOn === this.connection.epoch) {
          this.notice(`Could not update #${state.name}: ${describe(error)}`); // in the room; only the catch-up failed
        } else if (!error.transport) {
          this.refused(state, error);
        }
      } finally {
        state.syncing = null;
        room.pane.updateEdge();
        if (state.name === this.viewName) this.renderPeople();
      }
      // asked again while this attempt was failing (a new connection, say): one more round
      if (state.syncAgain && this.connection.connected && this.rooms.get(state.name) === room) this.catchUp(state);
    })();
    return state.syncing;
  }

  /**
   * Joins or catches up again after a pause, if the room and the connection are still there. The pause doubles at
   * each failure in a row, with jitter: rooms refused together (and other tabs' rooms) do not all come back at once.
   */
  syncLater(state) {
    state.joinPause = Math.min(REJOIN_MAX_MS, state.joinPause ? state.joinPause * 2 : REJOIN_FIRST_MS);
    clearTimeout(state.rejoinTimer);
    state.rejoinTimer = setTimeout(() => {
      if (!this.stopped && this.connection.connected && this.rooms.get(state.name)?.state === state) this.sync(state);
    }, state.joinPause * (0.75 + Math.random() * 0.5));
  }

  /** The room is joined on connection `epoch`: my messages to it may go, if that is still the connection. */
  joined(state, epoch) {
    if (epoch !== this.connection.epoch || state.joinedOn === epoch) return;
    state.joinedOn = epoch;
    this.joinSerial = (this.joinSerial ?? 0) + 1;
    state.joinSerial = this.joinSerial;
    this.outbox.drain();
    if (state.name === this.viewName) this.reads.seen();
  }

  /**
   * The server's list of my rooms is the list: its rooms I do not show are added, and rooms I show that it does not
   * remember go (left elsewhere), but for rooms not yet joined from this page (joined while offline, or the first
   * visit's default room when the server remembers none), rooms joined while the list was on its way, and rooms with
   * unsent messages of mine.
   */
  async reconcileRooms() {
    // a room joined while the list was on its way may be missing from it: the server had not stored it yet
    const joinedBefore = this.joinSerial ?? 0;
    let ack;
    try {
      ack = await this.connection.request("rooms:mine", {});
    } catch {
      return; // an older server, or not now: the rooms I show are joined as before
    }
    const mine = Array.isArray(ack.rooms) ? ack.rooms.filter((r) => r && isChat(r.name)) : [];
    const names = new Set(mine.map((r) => r.name));
    for (const room of mine) {
      if (!this.rooms.has(room.name)) this.addRoom(room.name);
      const { state } = this.rooms.get(room.name);
      state.topic = room.topic ?? null;
      state.confirmed = true;
      this.setMembers(room.name, room.members);
      if (room.readBy && typeof room.readBy === "object") state.readBy = { ...room.readBy };
      this.reads.fromServer(state, room);
    }
    this.reads.listed = true;
    for (const [name, { state }] of [...this.rooms]) {
      if (names.has(name) || this.outbox.forRoom(name).length || (state.joinSerial ?? 0) > joinedBefore) continue;
      // joined from this page, or seen remembered by the server before (this tab was closed meanwhile), and no longer
      // remembered: left elsewhere. Rooms never seen remembered (joined while offline, refused for now, or kept from
      // before the server remembered rooms) are joined again, and so remembered.
      const keep = state.byDefault ? names.size === 0 : !state.joined && !state.confirmed;
      if (!keep) this.removeRoom(name);
    }
    this.saveRooms();
    if (!this.rooms.has(this.viewName)) this.view(this.rooms.keys().next().value ?? null, { focus: false });
    else {
      this.renderTopic();
      this.reads.opened(this.rooms.get(this.viewName));
      this.markViewRead();
    }
    this.renderRooms();
    this.reads.seen();
  }

  /** A conversation's members, as the server told them (for its label and receipts). */
  setMembers(name, members) {
    const room = this.rooms.get(name);
    if (!room || !isConversation(name) || !Array.isArray(members)) return;
    room.state.dmMembers = members.filter((m) => typeof m === "string");
    this.renderRooms();
    if (name !== this.viewName) return;
    this.showTitle();
    this.renderReceipt(name);
  }

  /** The room in view's name where it shows (a conversation's changes with its members and their display names). */
  showTitle() {
    if (!this.rooms.has(this.viewName)) return;
    const title = this.title(this.viewName);
    setText(this.ui.roomTitle, title);
    setText(this.ui.composerLabel, `Message ${title}`);
    this.ui.composerInput.placeholder = `Message ${title}`;
    setText(this.ui.peopleTitle, `People in ${title}`);
  }

  onReceipt(payload) {
    const room = this.rooms.get(payload.room);
    if (!room || typeof payload.user !== "string" || payload.user === this.me || !Number.isSafeInteger(payload.seq)) return;
    room.state.readBy = { ...(room.state.readBy ?? {}), [payload.user]: payload.seq };
    this.renderReceipt(payload.room);
  }

  renderReceipt(name) {
    const room = this.rooms.get(name);
    if (room && isConversation(name)) renderReceipt(room.pane, room.state, this.me, this.people);
  }

  /** Opens (or finds) the conversation with these people, and shows it. */
  async openDm(users) {
    if (!this.connection.connected) {
      this.notice("Offline: a conversation can be started once the connection is back.");
      return;
    }
    try {
      const ack = await this.connection.request("dm:open", { users });
      if (!isConversation(ack.room)) return;
      if (!this.rooms.has(ack.room)) this.addRoom(ack.room);
      this.setMembers(ack.room, ack.members);
      this.saveRooms();
      this.view(ack.room);
      await this.sync(this.rooms.get(ack.room).state);
      await this.fromServer(ack.room);
    } catch (error) {
      this.notice(`Could not start the conversation: ${describeOpenFailure(error)}`);
    }
  }

  /** How a room is named in the title and composer: `#general`, or a conversation's other members. */
  title(name) {
    const room = this.rooms.get(name);
    if (room && isConversation(name)) return conversationLabel(room.state, this.me, this.people);
    return `#${name}`;
  }

  /** A room I joined elsewhere: shown and joined here too, without taking the view. */
  adopt(name) {
    const room = this.addRoom(name);
    this.saveRooms();
    if (this.connection.connected) {
      const joining = this.sync(room.state);
      // a conversation someone opened with me may have history: its read position and receipts, as rooms:mine has them
      if (isConversation(name)) joining.then(() => this.fromServer(name));
    }
  }

  /** A room's read position, unread count and (for a conversation) members and receipts, from `rooms:mine`. */
  async fromServer(name) {
    let ack;
    try {
      ack = await this.connection.request("rooms:mine", {});
    } catch {
      return; // marked read once the next rooms:mine has the position
    }
    const entry = Array.isArray(ack.rooms) ? ack.rooms.find((r) => r && r.name === name) : null;
    const room = this.rooms.get(name);
    if (!entry || !room) return;
    this.reads.fromServer(room.state, entry);
    if (entry.readBy && typeof entry.readBy === "object") room.state.readBy = { ...entry.readBy };
    this.setMembers(name, entry.members);
    if (name === this.viewName) this.reads.seen();
    this.renderRooms();
  }

  setTopic(name, topic) {
    const room = this.rooms.get(name);
    if (!room) return;
    room.state.topic = topic && typeof topic.text === "string" ? topic : null;
    if (name === this.viewName) this.renderTopic();
  }

  async saveTopic(name, text) {
    if ([...text].length > MAX_TOPIC) {
      this.notice(`A topic is ${MAX_TOPIC} characters at most.`);
      throw new Error("too long");
    }
    try {
      const ack = await this.connection.request("room:topic", { room: name, topic: text });
      this.setTopic(name, ack.topic);
    } catch (error) {
      this.notice(`Could not set the topic: ${describe(error)}`);
      throw error;
    }
  }

  renderTopic() {
    if (isConversation(this.viewName)) return this.topic.show(null, null); // conversations have no topic
    this.topic.show(this.viewName, this.rooms.get(this.viewName)?.state.topic ?? null);
  }

  /**
   * A search result: its room is opened (joined first if need be), older pages are loaded until the message is there
   * (10 at most), and it is scrolled to and marked.
   */
  async openMessage(name, seq) {
    await this.join(name);
    const room = this.rooms.get(name);
    if (!room) return;
    for (let pages = 0; pages < 10 && !room.pane.bySeq.has(seq); pages++) {
      if (!room.state.joined || !room.state.hasOlder || (room.state.oldestSeq ?? 0) <= seq) break;
      await this.loadOlder(name);
    }
    const li = room.pane.bySeq.get(seq);
    if (!li) return;
    li.scrollIntoView({ block: "center" });
    li.classList.add("found");
    setTimeout(() => li.classList.remove("found"), 3000);
  }

  async loadOlder(name) {
    const room = this.rooms.get(name);
    if (!room || room.pane.loading || !room.state.hasOlder || !this.connection.connected) return;
    room.pane.setLoading(true);
    try {
      const ack = await this.connection.request("history:fetch", { room: name, before: room.state.oldestSeq, limit: 50 });
      if (this.rooms.get(name) !== room) return;
      room.pane.insert(room.state.applyOlder(ack));
    } catch (error) {
      if (!error.transport) this.notice(`Could not load older messages: ${describe(error)}`);
    } finally {
      room.pane.setLoading(false);
    }
    room.pane.fillIfShort();
  }

  leave(name) {
    const room = this.rooms.get(name);
    if (!room) return;
    this.removeRoom(name);
    if (room.state.joined) this.connection.request("room:leave", { room: name }).catch(() => {});
    this.refreshDirectory();
  }

  removeRoom(name) {
    const room = this.rooms.get(name);
    if (!room) return;
    this.rooms.delete(name);
    clearTimeout(room.state.rejoinTimer);
    clearTimeout(room.state.gapWait);
    room.state.gapWait = null;
    this.outbox.dropRoom(name);
    room.pane.el.remove();
    this.saveRooms();
    if (this.viewName === name) this.view(this.rooms.keys().next().value ?? null, { focus: false });
    else this.renderRooms();
  }

  view(name, { focus = true } = {}) {
    this.editor?.cancel();
    this.mentionBox?.close();
    const previous = this.rooms.get(this.viewName);
    // a draft stays with its room: a line meant for a conversation never follows me into another room
    if (previous) previous.state.draft = this.ui.composerInput.value;
    this.ui.composerInput.value = this.rooms.get(name)?.state.draft ?? "";
    this.autoGrow();
    previous?.pane.hide();
    previous?.pane.showNewLine(null);
    this.viewName = name;
    const room = this.rooms.get(name);
    const ui = this.ui;
    const title = room ? this.title(name) : null;
    setText(ui.roomTitle, room ? title : "No room");
    setText(ui.composerLabel, room ? `Message ${title}` : "Message");
    ui.composerInput.placeholder = room ? `Message ${title}` : "Join a room to write";
    ui.composerInput.disabled = !room;
    ui.sendButton.disabled = !room;
    setText(ui.peopleTitle, room ? `People in ${title}` : "People");
    if (room) {
      room.pane.show();
      saveView(this.tenant, name);
      this.reads.opened(room);
    }
    this.markViewRead();
    this.reads?.seen();
    this.renderTopic();
    this.renderTyping();
    this.renderPeople();
    this.renderDirectory();
    this.closeDrawers();
    if (focus && room) ui.composerInput.focus();
  }

  markViewRead() {
    const room = this.rooms.get(this.viewName);
    if (room && !document.hidden) {
      room.state.unread = 0;
      room.state.serverUnread = 0;
      room.state.mentions = 0;
      room.state.serverMentions = 0;
      room.state.seenThrough = room.state.cursor; // read here, even before the server has the mark
    }
    this.renderRooms();
  }

  saveRooms() {
    saveRooms(this.tenant, [...this.rooms.keys()]);
    const confirmed = [...this.rooms].filter(([, { state }]) => state.joined || state.confirmed).map(([name]) => name);
    saveConfirmedRooms(this.tenant, confirmed);
  }

  /** The directory's first page (rooms with history or members); "More rooms" adds the next. */
  async refreshDirectory({ after = null } = {}) {
    if (!this.connection.connected) return;
    try {
      const ack = await this.connection.request("rooms:directory", after ? { after, limit: DIRECTORY_PAGE } : { limit: DIRECTORY_PAGE });
      const page = Array.isArray(ack.rooms) ? ack.rooms.filter((r) => r && isRoom(r.name)) : [];
      this.listed = after ? [...this.listed, ...page] : page;
      this.directoryMore = ack.hasMore === true && page.length ? page[page.length - 1].name : null;
      this.renderDirectory();
    } catch {
      // shown again on the next refresh
    }
  }

  // --- sending --------------------------------------------------------------------------------------------

  sendFromComposer() {
    if (this.editor.editing) {
      this.editor.save();
      return;
    }
    const room = this.rooms.get(this.viewName);
    const input = this.ui.composerInput;
    const text = input.value.replace(/\s+$/, "");
    if (!room || !text.trim()) return;
    const length = [...text].length; // characters as the server counts them: code points
    if (length > MAX_TEXT) {
      this.notice(`A message is ${MAX_TEXT} characters at most (this one has ${length}).`);
      return;
    }
    input.value = "";
    this.autoGrow();
    this.lastTypingSent = 0;
    this.outbox.add(room.state.name, text);
  }

  newOutbox(saved) {
    return new Outbox({
      connected: () => this.connection.connected,
      ready: (room) => this.connection.connected && this.rooms.get(room)?.state.joinedOn === this.connection.epoch,
      send: async (entry) => (await this.connection.request("message:send",
        { room: entry.room, text: entry.text, clientId: entry.clientId })).message,
      describe: describeSendFailure,
      changed: (entry, how) => this.rooms.get(entry.room)?.pane.renderOutbox(entry, how),
      removed: (entry) => this.outboxRemoved(entry),
      stored: (entry, message) => this.stored(entry, message),
      save: (entries) => saveOutbox(this.tenant, this.me, entries),
    }, saved);
  }

  /** The server stored one of my messages: it takes its place among the others. */
  stored(entry, message) {
    const room = this.rooms.get(entry.room);
    if (!room) return;
    const added = room.state.acknowledged(message);
    room.pane.acknowledged(entry.clientId, message, added);
    this.renderReceipt(entry.room);
    if (room.state.hasGap()) waitForGap(room.state, (state) => this.catchUpIfHeld(state));
  }

  // --- rendering ------------------------------------------------------------------------------------------

  renderRooms() {
    const states = [...this.rooms.values()].map((r) => r.state);
    renderRoomList(this.ui.roomList, states.filter((s) => !isConversation(s.name)), this.viewName, {
      view: (name) => this.view(name),
      leave: (name) => this.leave(name),
    });
    renderRoomList(this.ui.dmList, states.filter((s) => isConversation(s.name)), this.viewName, {
      view: (name) => this.view(name),
      leave: (name) => this.leave(name), // hides it: its messages no longer come until I open it again
    }, { label: (state) => conversationLabel(state, this.me, this.people), empty: "No direct messages yet." });
    const unread = states.reduce((sum, s) => sum + (s.name === this.viewName && !document.hidden ? 0 : s.unread), 0);
    // at phone width the sidebar is a drawer: its button tells that another room has news, and whether it is for me
    const elsewhere = states.filter((s) => s.name !== this.viewName);
    const news = elsewhere.some((s) => s.mentions > 0 || (isConversation(s.name) && s.unread > 0)) ? "mention"
      : elsewhere.some((s) => s.unread > 0) ? "unread" : null;
    if (news) this.ui.roomsToggle.dataset.news = news;
    else delete this.ui.roomsToggle.dataset.news;
    // its description, not its name: "Rooms" stays the button's name
    this.ui.roomsToggle.title = news === "mention" ? "New messages for you" : news ? "Unread messages" : "";
    document.title = `${unread ? `(${unread}) ` : ""}${this.viewName ? `${this.title(this.viewName)} · ` : ""}${this.tenant} · Chat`;
  }

  renderDirectory() {
    const more = this.directoryMore;
    renderDirectory(this.ui.directory, this.listed, new Set(this.rooms.keys()), {
      join: (name) => this.join(name),
      more: more ? () => this.refreshDirectory({ after: more }) : null,
    });
  }

  /** Whom I may mention in a room: its people this tab knows (in it, gone, or who wrote what it holds), not me. */
  peopleOf(name) {
    const state = this.rooms.get(name)?.state;
    if (!state) return [];
    const people = new Set([...state.members, ...state.departed]);
    for (const message of state.messages.values()) if (typeof message.from === "string") people.add(message.from);
    people.delete(this.me);
    return [...people];
  }

  renderPeople() {
    renderPeople(this.ui.people, this.rooms.get(this.viewName)?.state ?? null, this.me, this.online,
      (user) => this.people.label(user), {
      message: (user) => this.openDm([user]),
    });
  }

  renderTyping() {
    setText(this.ui.typing, this.viewName ? this.typing.text(this.viewName, (user) => this.people.label(user)) : "");
  }

  /** Display names arrived: what shows them as text is drawn again (message authors update by themselves). */
  renamed() {
    this.renderRooms();
    this.renderPeople();
    this.renderTyping();
    if (this.viewName) this.renderReceipt(this.viewName);
    this.showTitle();
  }

  showAnnouncement(payload) {
    if (typeof payload.text !== "string") return;
    const box = this.ui.announcements;
    const banner = h("div", { class: "announcement" },
      h("span", { class: "announcement-label", text: "Announcement" }),
      h("p", { class: "announcement-text", text: payload.text }),
      typeof payload.ts === "string"
        ? h("time", { datetime: payload.ts, title: longTime(payload.ts), text: shortTime(payload.ts) }) : null,
      h("button", { type: "button", class: "dismiss", "aria-label": "Dismiss announcement", text: "×",
        onclick: () => banner.remove() }));
    box.prepend(banner);
    while (box.childElementCount > MAX_ANNOUNCEMENTS) box.lastElementChild.remove();
  }

  notice(text) {
    setText(this.ui.notice, text);
    this.ui.notice.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => this.clearNotice(), 8000);
  }

  clearNotice() {
    this.ui.notice.hidden = true;
  }

  autoGrow() {
    const input = this.ui.composerInput;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 160)}px`;
  }

  toggleDrawer(toggle, drawer) {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    this.closeDrawers();
    if (open) {
      toggle.setAttribute("aria-expanded", "true");
      drawer.classList.add("open");
      drawer.querySelector("button, input, [tabindex]")?.focus();
    }
  }

  closeDrawers() {
    for (const [toggle, drawer] of [[this.ui.roomsToggle, this.ui.sidebar], [this.ui.peopleToggle, this.ui.peoplePanel]]) {
      toggle.setAttribute("aria-expanded", "false");
      drawer.classList.remove("open");
    }
  }
}

/** A send that failed, as a sentence; the outbox sends again by itself after these ("not now"). */
function describeSendFailure(error) {
  switch (error.code) {
    case "timeout":
      return "No answer from the server: it is sent again in a moment.";
    case "rate_limited":
      return "You are sending too fast: it is sent again in a moment.";
    case "unavailable":
      return "The server could not store it right now: it is sent again in a moment.";
    default:
      return describe(error);
  }
}

/** Why `dm:open` failed, for people. */
function describeOpenFailure(error) {
  if (error.code === "not_found") return "no such person.";
  if (error.code === "rate_limited" && error.message === "too many new conversations") {
    return "you started many new conversations lately. Wait a few minutes, then retry.";
  }
  if (error.code === "too_large" && error.message === "too many rooms") {
    return "someone in it has too many rooms and conversations. Hiding some frees places.";
  }
  return describe(error);
}

/** A failure as a sentence for people. */
function describe(error) {
  switch (error.code) {
    case "offline":
      return "Offline: it is sent when the connection is back.";
    case "timeout":
      return "No answer from the server.";
    case "rate_limited":
      return "You are sending too fast. Wait a moment, then retry.";
    case "too_large":
      return "Too large for the server.";
    case "forbidden":
      return "You are not in this room.";
    case "bad_request":
      return "The server refused it as malformed.";
    case "unavailable":
      return "The server could not store it right now.";
    default:
      return error.message || "Something went wrong.";
  }
}

/**
 * A fault of this page's own code while it showed a server's answer (a bug, never the user's doing): logged, and the
 * room it concerned is kept, neither left nor called refused.
 */
function pageFault(where, error) {
  console.error(`the page failed while showing ${where}`, error);
}
