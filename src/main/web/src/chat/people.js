// Display names: who a user name stands for, as the workspace's admin named them. A name is shown as it is until the
// server answered for it (`users:get`, asked in batches of up to 100 as names appear), then every place showing it is
// updated: the elements `nameOf` made change in place, and `onChange` redraws what is built from text.
import { h } from "../dom.js";

const BATCH = 100;
/** How long names wait to be asked together: the names of a page of history arrive within one task. */
const GATHER_MS = 30;
const RETRY_MS = 10_000;

export class People {
  /**
   * @param request  (event, payload) → Promise of the ack (throws on a failure ack)
   * @param onChange called after display names arrived, to redraw what shows names as text
   * @param timers   replaceable in tests
   */
  constructor({ request, onChange = () => {}, timers = { set: (fn, ms) => setTimeout(fn, ms) } } = {}) {
    this.request = request;
    this.onChange = onChange;
    this.timers = timers;
    /** user name → display name, or null for a user with none (or no stored user: a JWT tenant's) */
    this.known = new Map();
    this.wanted = new Set();
    this.asking = new Set();
    this.timer = null;
    /** user name → the elements `nameOf` made for it (weakly held: a removed message's goes with it) */
    this.shown = new Map();
  }

  /** The name people see for `user`: its display name once known, else the user name itself. */
  label(user) {
    if (typeof user !== "string") return "";
    this.want(user);
    return this.known.get(user) ?? user;
  }

  /** Names a list of users, e.g. "Bob Brown, carol". */
  labels(users) {
    return users.map((user) => this.label(user)).join(", ");
  }

  /** What an answer already told (the user picker's `users:list`), so it is not asked again. */
  learn(users) {
    let changed = false;
    for (const user of users) {
      if (typeof user?.username !== "string") continue;
      const name = typeof user.displayName === "string" && user.displayName ? user.displayName : null;
      if ((this.known.get(user.username) ?? user.username) !== (name ?? user.username)) changed = true;
      this.known.set(user.username, name);
      this.wanted.delete(user.username);
    }
    if (changed) this.changed();
  }

  /** A span showing `user` by its display name (kept up to date), the user name in its title. */
  nameOf(user, attributes = {}) {
    const el = h("span", { ...attributes, dir: "auto", dataset: { person: user }, text: this.label(user) });
    this.titled(el, user);
    let refs = this.shown.get(user);
    if (!refs) this.shown.set(user, (refs = new Set()));
    refs.add(new WeakRef(el));
    return el;
  }

  /** Asks at once for the names that wait (a request failed while the connection was down). */
  resume() {
    if (this.wanted.size) this.ask();
  }

  // --- internals ------------------------------------------------------------------------------------------

  titled(el, user) {
    const name = this.known.get(user);
    if (name && name !== user) el.title = `@${user}`;
    else el.removeAttribute("title");
  }

  want(user) {
    if (this.known.has(user) || this.asking.has(user) || this.wanted.has(user)) return;
    this.wanted.add(user);
    if (this.timer === null) this.timer = this.timers.set(() => this.ask(), GATHER_MS);
  }

  async ask() {
    this.timer = null;
    const users = [...this.wanted].slice(0, BATCH);
    if (!users.length) return;
    for (const user of users) {
      this.wanted.delete(user);
      this.asking.add(user);
    }
    if (this.wanted.size) this.timer = this.timers.set(() => this.ask(), GATHER_MS);
    try {
      const ack = await this.request("users:get", { users });
      const found = new Map((Array.isArray(ack?.users) ? ack.users : []).map((u) => [u?.username, u]));
      // a name the server left out has no stored user: it stays a user name
      this.learn(users.map((username) => found.get(username) ?? { username }));
    } catch {
      // not now (offline, or over the event limit): asked again later, the user name shows meanwhile
      for (const user of users) this.wanted.add(user);
      if (this.timer === null) this.timer = this.timers.set(() => this.ask(), RETRY_MS);
    } finally {
      for (const user of users) this.asking.delete(user);
    }
  }

  changed() {
    for (const [user, refs] of this.shown) {
      for (const ref of refs) {
        const el = ref.deref();
        if (!el) {
          refs.delete(ref);
          continue;
        }
        el.textContent = this.known.get(user) ?? user;
        this.titled(el, user);
      }
      if (!refs.size) this.shown.delete(user);
    }
    this.onChange();
  }
}
