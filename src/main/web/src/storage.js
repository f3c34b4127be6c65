// Everything the client remembers lives in sessionStorage (per tab, gone with the tab): never in a URL, a cookie or
// a log. Two exceptions: the server's "keep me signed in" cookie, which this page cannot read (see api.js resume),
// and the short name of the last workspace signed in to with it, in localStorage (not a secret: it is in the URL).
// Also in localStorage: the answer to "Enable notifications" (the browser's own permission answer), asked once.
import { isTenant } from "./names.js";

const SESSION = "chat.session";

function read(key) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw == null ? null : JSON.parse(raw);
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    if (value == null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage full or disabled: the session simply won't survive a reload
  }
}

/** {tenant, user, token, kind: "password"|"token"} or null. */
export function loadSession() {
  const session = read(SESSION);
  if (!session || typeof session.token !== "string" || typeof session.tenant !== "string") return null;
  return session;
}

export function saveSession(session) {
  write(SESSION, session);
}

/** Forgets the token and this tenant's remembered rooms and unsent messages. */
export function clearSession() {
  const session = read(SESSION);
  write(SESSION, null);
  if (session?.tenant) {
    write(roomsKey(session.tenant), null);
    write(viewKey(session.tenant), null);
    write(outboxKey(session.tenant), null);
    write(confirmedKey(session.tenant), null);
  }
}

const roomsKey = (tenant) => `chat.rooms.${tenant}`;
const viewKey = (tenant) => `chat.view.${tenant}`;
const outboxKey = (tenant) => `chat.outbox.${tenant}`;
const confirmedKey = (tenant) => `chat.roomsConfirmed.${tenant}`;

/**
 * The kept rooms of `tenant` the server was seen to remember (joined, or in its list of my rooms): one of them missing
 * from that list later was left elsewhere. A kept room never confirmed (joined while offline, refused for now, or from
 * before the server remembered rooms) is joined again instead.
 */
export function loadConfirmedRooms(tenant) {
  const rooms = read(confirmedKey(tenant));
  return new Set(Array.isArray(rooms) ? rooms.filter((r) => typeof r === "string") : []);
}

export function saveConfirmedRooms(tenant, rooms) {
  write(confirmedKey(tenant), rooms);
}

/** The rooms this tab had joined in `tenant`, in the order they were joined. */
export function loadRooms(tenant) {
  const rooms = read(roomsKey(tenant));
  return Array.isArray(rooms) ? rooms.filter((r) => typeof r === "string") : [];
}

export function saveRooms(tenant, rooms) {
  write(roomsKey(tenant), rooms);
}

/** The room that was in view. */
export function loadView(tenant) {
  const view = read(viewKey(tenant));
  return typeof view === "string" ? view : null;
}

export function saveView(tenant, room) {
  write(viewKey(tenant), room);
}

/** My messages not stored yet in `tenant` (as Outbox.toJSON gave them), if they are `user`'s. */
export function loadOutbox(tenant, user) {
  const saved = read(outboxKey(tenant));
  return saved?.user === user && Array.isArray(saved.entries) ? saved.entries : [];
}

export function saveOutbox(tenant, user, entries) {
  write(outboxKey(tenant), entries.length ? { user, entries } : null);
}

const LAST_TENANT = "chat.lastTenant";

/** The workspace whose remembered session a visit to "/" tries to resume. */
export function loadLastTenant() {
  try {
    const tenant = localStorage.getItem(LAST_TENANT);
    return typeof tenant === "string" && isTenant(tenant) ? tenant : null;
  } catch {
    return null;
  }
}

export function saveLastTenant(tenant) {
  try {
    if (tenant == null) localStorage.removeItem(LAST_TENANT);
    else localStorage.setItem(LAST_TENANT, tenant);
  } catch {
    // storage disabled: "/" shows the sign-in form, the workspace's own URL still resumes
  }
}

const NOTIFICATIONS = "chat.notifications";

/** The answer given once to "Enable notifications" ("granted", "denied" or "default"), or null when never asked. */
export function loadNotificationAnswer() {
  try {
    const answer = localStorage.getItem(NOTIFICATIONS);
    return ["granted", "denied", "default"].includes(answer) ? answer : null;
  } catch {
    return null;
  }
}

export function saveNotificationAnswer(answer) {
  try {
    localStorage.setItem(NOTIFICATIONS, String(answer));
  } catch {
    // storage disabled: the control shows again on the next visit
  }
}
