// Who is typing in each room: an entry lasts SHOW_MS after the last `typing` event of that user.
export const SHOW_MS = 3000;

export class TypingTracker {
  constructor(onChange) {
    this.onChange = onChange;
    this.rooms = new Map(); // room → Map(user → timer)
  }

  typing(room, user) {
    let users = this.rooms.get(room);
    if (!users) this.rooms.set(room, (users = new Map()));
    clearTimeout(users.get(user));
    const isNew = !users.has(user);
    users.set(user, setTimeout(() => this.stop(room, user), SHOW_MS));
    if (isNew) this.onChange(room);
  }

  stop(room, user) {
    const users = this.rooms.get(room);
    if (!users?.has(user)) return;
    clearTimeout(users.get(user));
    users.delete(user);
    this.onChange(room);
  }

  clearAll() {
    for (const users of this.rooms.values()) for (const timer of users.values()) clearTimeout(timer);
    this.rooms.clear();
  }

  /** "bob is typing…", "bob and carol are typing…", "3 people are typing…", or "" (each named by `label`). */
  text(room, label = (user) => user) {
    const users = [...(this.rooms.get(room)?.keys() ?? [])].sort().map(label);
    if (users.length === 0) return "";
    if (users.length === 1) return `${users[0]} is typing…`;
    if (users.length === 2) return `${users[0]} and ${users[1]} are typing…`;
    return `${users.length} people are typing…`;
  }
}
