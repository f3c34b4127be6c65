// The composer's mention autocomplete: typing `@` (where it starts a mention) lists the room's people and `@room`,
// filtered by what follows; arrow keys move, Enter or Tab picks, Escape closes. The textarea keeps the focus and
// points at the active option (aria-activedescendant), the list is a listbox of options.
import { h } from "../dom.js";
import { renderOptions, step } from "./listbox.js";
import { mentionAtCaret, ROOM_MENTION } from "./mentions.js";

/** Options shown at most: the rest are a few letters away. */
const MAX_OPTIONS = 8;
const LIST_ID = "mention-options";

export class MentionComplete {
  /**
   * @param input the composer's textarea
   * @param people () → the names to offer (the room's people, known to this tab), without me
   * @param label  (name) → the name people know them by (a display name): a word of it finds them too
   */
  constructor(input, people, label = (name) => name) {
    this.input = input;
    this.people = people;
    this.label = label;
    this.options = [];
    this.active = 0;
    this.at = null;
    this.el = h("ul", { id: LIST_ID, class: "mention-options", role: "listbox", "aria-label": "Mention someone",
      hidden: true });
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", LIST_ID);
    input.addEventListener("input", () => this.refresh());
    input.addEventListener("click", () => this.refresh());
    input.addEventListener("blur", () => this.close());
  }

  get open() {
    return !this.el.hidden;
  }

  /** The list for the name at the caret, or closed when there is none or nothing matches. */
  refresh() {
    const caret = this.input.selectionStart;
    const at = caret === this.input.selectionEnd ? mentionAtCaret(this.input.value, caret) : null;
    if (!at) return this.close();
    const query = at.query.toLowerCase();
    const names = [...new Set(this.people())].sort((a, b) => a.localeCompare(b));
    names.push(ROOM_MENTION);
    const options = names.filter((name) => name.toLowerCase().startsWith(query) || (name !== ROOM_MENTION
      && this.label(name).toLowerCase().split(/\s+/).some((word) => word.startsWith(query)))).slice(0, MAX_OPTIONS);
    if (!options.length) return this.close();
    const previous = this.options[this.active];
    this.at = at;
    this.options = options;
    this.active = Math.max(0, options.indexOf(previous));
    this.render();
  }

  render() {
    renderOptions(this.el, this.input, {
      items: this.options,
      active: this.active,
      className: "mention-option",
      data: (name) => ({ name }),
      content: (name) => [h("span", { class: "mention-at", "aria-hidden": "true", text: "@" }), name,
        name === ROOM_MENTION ? h("span", { class: "mention-hint", text: " everyone in the room" })
          : this.label(name) !== name ? h("span", { class: "mention-hint", dir: "auto", text: ` ${this.label(name)}` }) : null],
      pick: (i) => this.pick(i),
    });
    this.el.hidden = false;
  }

  close() {
    if (this.el.hidden) return;
    this.el.hidden = true;
    this.options = [];
    this.at = null;
    this.input.removeAttribute("aria-activedescendant");
  }

  /** A key in the composer: true when the list used it (then nothing else may). */
  onKey(event) {
    if (!this.open || event.isComposing) return false;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        this.active = step(this.active, event.key, this.options.length);
        this.render();
        break;
      case "Enter":
      case "Tab":
        if (event.shiftKey) return false;
        this.pick(this.active);
        break;
      case "Escape":
        this.close();
        break;
      default:
        return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  /** Puts `@name ` in place of what was typed after the `@`, the caret after it. */
  pick(index) {
    const name = this.options[index];
    if (name === undefined || !this.at) return;
    const { value } = this.input;
    const caret = this.input.selectionStart;
    const before = `${value.slice(0, this.at.start)}@${name} `;
    const after = value.slice(caret).replace(/^ /, "");
    this.input.value = before + after;
    this.input.setSelectionRange(before.length, before.length);
    this.close();
    this.input.dispatchEvent(new Event("input", { bubbles: true }));
  }
}
