// The quick switcher: Ctrl+K (Cmd+K on a Mac) opens a dialog listing my rooms (and direct messages), filtered as I
// type; arrow keys move, Enter opens the room, Escape closes. A modal <dialog> holding a combobox and its listbox.
import { h } from "../dom.js";
import { renderOptions, step } from "./listbox.js";
import { isConversation } from "../names.js";

const LIST_ID = "switcher-options";

export class QuickSwitcher {
  /**
   * @param rooms () → [{name, label?}] my rooms and conversations, in the sidebar's order
   * @param open  (name) → the room comes into view
   */
  constructor({ rooms, open }) {
    this.rooms = rooms;
    this.openRoom = open;
    this.matches = [];
    this.active = 0;
    this.input = h("input", { id: "switcher-input", type: "text", autocomplete: "off", spellcheck: "false",
      role: "combobox", "aria-expanded": "true", "aria-controls": LIST_ID, "aria-autocomplete": "list",
      placeholder: "Room name", oninput: () => this.filter(), onkeydown: (event) => this.onKey(event) });
    this.list = h("ul", { id: LIST_ID, class: "switcher-options", role: "listbox", "aria-label": "Rooms" });
    this.el = h("dialog", { class: "switcher", "aria-labelledby": "switcher-title",
      onclose: () => this.closed() },
    h("label", { id: "switcher-title", for: "switcher-input", text: "Go to a room" }),
    this.input, this.list,
    h("p", { class: "hint", text: "↑ ↓ to move, Enter to open, Escape to close." }));
    // a click on the backdrop (outside the box) closes it
    this.el.addEventListener("mousedown", (event) => {
      if (event.target === this.el) this.el.close();
    });
  }

  /** Whether a keydown is the shortcut: Ctrl+K, or Cmd+K. */
  static isShortcut(event) {
    return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k";
  }

  show() {
    if (this.el.open) return;
    this.returnFocus = document.activeElement;
    this.input.value = "";
    this.active = 0;
    this.filter();
    this.el.showModal();
    this.input.focus();
  }

  closed() {
    this.input.removeAttribute("aria-activedescendant");
    if (this.returnFocus?.isConnected) this.returnFocus.focus();
    this.returnFocus = null;
  }

  filter() {
    const query = this.input.value.trim().replace(/^#/, "").toLowerCase();
    const all = this.rooms();
    const starts = all.filter((r) => label(r).toLowerCase().startsWith(query));
    const contains = all.filter((r) => !starts.includes(r) && label(r).toLowerCase().includes(query));
    this.matches = [...starts, ...contains];
    this.active = Math.min(this.active, Math.max(0, this.matches.length - 1));
    this.render();
  }

  render() {
    renderOptions(this.list, this.input, {
      items: this.matches,
      active: this.active,
      className: "switcher-option",
      data: (room) => ({ room: room.name }),
      content: (room) => [h("span", { class: "hash", "aria-hidden": "true", text: isConversation(room.name) ? "" : "#" }),
        label(room),
        room.unread > 0
          ? h("span", { class: "switcher-unread", text: ` ${room.unread >= 99 ? "99+" : room.unread} unread` }) : null],
      pick: (i) => this.choose(i),
    });
    if (!this.matches.length) this.list.append(h("li", { class: "empty", role: "presentation", text: "No room matches." }));
  }

  onKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!this.matches.length) return;
      this.active = step(this.active, event.key, this.matches.length);
      this.render();
    } else if (event.key === "Enter") {
      event.preventDefault();
      this.choose(this.active);
    }
  }

  choose(index) {
    const room = this.matches[index];
    if (!room) return;
    this.returnFocus = null; // the room's composer takes the focus
    this.el.close();
    this.openRoom(room.name);
  }
}

/** A room's name as listed: a direct message's own label when it has one (its members), else its name. */
function label(room) {
  return typeof room.label === "string" && room.label ? room.label : room.name;
}
