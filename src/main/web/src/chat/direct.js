// Direct messages and group DMs: the conversations' names, the "New message" user picker (users:list,
// up to 7 people), and the "Seen by" line under my last message that the others have read.
import { h, replaceChildren } from "../dom.js";

/** Others a conversation may have besides me (the server's limit: 8 members). */
export const MAX_OTHERS = 7;
const PICKER_PAGE = 20;
/** The longest text the server looks people up by (`users:list` `name`). */
const MAX_SOUGHT = 100;

/** A conversation's name for people: its other members (by display name), or "Conversation" when none is left. */
export function conversationLabel(state, me, people) {
  const others = (state.dmMembers ?? []).filter((u) => u !== me);
  return others.length ? people.labels(others) : "Conversation";
}

/**
 * The "Seen" line: under my last message, the other members whose read position reaches it ("Seen" when all of them
 * in a conversation of two, else "Seen by bob, carol").
 */
export function renderReceipt(pane, state, me, people) {
  for (const old of pane.list.querySelectorAll(".receipt")) old.remove();
  const mine = [...state.order].reverse().find((seq) => {
    const m = state.messages.get(seq);
    return m && m.from === me && !m.deleted;
  });
  if (mine === undefined) return;
  const others = (state.dmMembers ?? []).filter((u) => u !== me);
  const readers = others.filter((u) => (state.readBy?.[u] ?? 0) >= mine);
  const li = pane.bySeq.get(mine);
  if (!readers.length || !li) return;
  const text = `Seen by ${people.labels(readers)}`;
  li.querySelector(".msg-body")?.append(h("p", { class: "receipt", text }));
}

/** The user picker: type to filter the workspace's people, pick up to 7, start the conversation. */
export class UserPicker {
  constructor({ request, open, me, people }) {
    this.request = request;
    this.people = people;
    this.openConversation = open;
    this.me = me;
    this.picked = new Set();
    this.input = h("input", { id: "dm-filter", type: "text", autocomplete: "off", spellcheck: "false",
      maxlength: String(MAX_SOUGHT), placeholder: "Type a name" });
    this.list = h("ul", { class: "picker-list", "aria-label": "People" });
    this.status = h("p", { class: "hint", "aria-live": "polite" });
    this.start = h("button", { type: "submit", text: "Start" });
    this.cancel = h("button", { type: "button", class: "link-button", text: "Cancel" });
    this.form = h("form", { class: "picker join-form", hidden: true, novalidate: true, "aria-label": "New message" },
      h("label", { for: "dm-filter", text: "New message to" }),
      this.input, this.list, this.status,
      h("div", { class: "row" }, this.start, this.cancel));
    this.toggle = h("button", { type: "button", class: "link-button new-dm", text: "New message",
      "aria-expanded": "false" });
    this.toggle.addEventListener("click", () => (this.form.hidden ? this.show() : this.hide()));
    this.cancel.addEventListener("click", () => this.hide());
    this.input.addEventListener("input", () => this.load());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  show() {
    this.form.hidden = false;
    this.toggle.setAttribute("aria-expanded", "true");
    this.picked.clear();
    this.input.value = "";
    this.load();
    this.input.focus();
  }

  hide() {
    this.form.hidden = true;
    this.toggle.setAttribute("aria-expanded", "false");
  }

  async load() {
    // a user name or a word of a display name ("chen" finds Carol Chen)
    const name = this.input.value.trim();
    const asked = this.input.value;
    try {
      const ack = await this.request("users:list", name ? { name, limit: PICKER_PAGE } : { limit: PICKER_PAGE });
      if (asked !== this.input.value) return; // typed on meanwhile
      if (Array.isArray(ack.users)) this.people.learn(ack.users);
      this.render(Array.isArray(ack.users) ? ack.users.filter((u) => u && u.username !== this.me) : []);
    } catch {
      this.status.textContent = "Could not list people right now.";
    }
  }

  render(users) {
    replaceChildren(this.list, users.map((user) => {
      const id = `pick-${user.username}`;
      const box = h("input", { type: "checkbox", id, value: user.username });
      box.checked = this.picked.has(user.username);
      box.addEventListener("change", () => {
        if (box.checked && this.picked.size >= MAX_OTHERS) {
          box.checked = false;
          this.status.textContent = `At most ${MAX_OTHERS} people.`;
          return;
        }
        if (box.checked) this.picked.add(user.username);
        else this.picked.delete(user.username);
        this.status.textContent = this.picked.size ? `${this.picked.size} picked` : "";
      });
      const name = user.displayName ? `${user.displayName} (${user.username})` : user.username;
      return h("li", null, box, h("label", { for: id, text: name }));
    }));
    if (!users.length) this.list.append(h("li", { class: "empty", text: "No one found." }));
  }

  async submit() {
    if (!this.picked.size) {
      this.status.textContent = "Pick someone first.";
      return;
    }
    const users = [...this.picked];
    this.hide();
    await this.openConversation(users);
  }
}
