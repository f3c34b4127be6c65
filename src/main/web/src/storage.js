// Everything the client remembers lives in sessionStorage (per tab, gone with the tab): never in a URL,
// localStorage, a cookie or a log.
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
  }
}

const roomsKey = (tenant) => `chat.rooms.${tenant}`;
const viewKey = (tenant) => `chat.view.${tenant}`;
const outboxKey = (tenant) => `chat.outbox.${tenant}`;

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
