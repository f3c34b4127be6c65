// The room header's topic line: the topic the members set (shown to everyone), and a small form to change it.
import { h, setText } from "../dom.js";

/** The server's bound on a topic, in characters. */
export const MAX_TOPIC = 250;

export class TopicLine {
  /** @param save (room, text) → Promise, rejected with the server's error when it is refused */
  constructor({ save }) {
    this.save = save;
    this.room = null;
    this.text = h("p", { id: "room-topic", class: "room-topic" });
    this.edit = h("button", { type: "button", class: "link-button topic-edit", text: "Edit topic",
      onclick: () => this.open() });
    this.input = h("input", { id: "topic-input", name: "topic", type: "text", autocomplete: "off",
      maxlength: String(MAX_TOPIC) });
    this.label = h("label", { for: "topic-input", class: "visually-hidden", text: "Topic" });
    this.cancel = h("button", { type: "button", class: "link-button", text: "Cancel", onclick: () => this.close() });
    this.form = h("form", { class: "topic-form", hidden: true, novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        this.submit();
      } },
      this.label, this.input, h("button", { type: "submit", class: "topic-save", text: "Save topic" }), this.cancel);
    this.el = h("div", { class: "topic-line" }, this.text, this.edit, this.form);
  }

  /** The room in view and its topic ({text, by, at} or null); no room: nothing to show or edit. */
  show(room, topic) {
    if (room !== this.room) this.close();
    this.room = room;
    this.el.hidden = !room;
    const text = topic?.text ?? "";
    setText(this.text, text || "No topic yet");
    this.text.classList.toggle("empty", !text);
    this.text.title = text && topic?.by ? `Set by ${topic.by}` : "";
    this.edit.setAttribute("aria-label", room ? `Edit the topic of #${room}` : "Edit topic");
    this.current = text;
  }

  open() {
    if (!this.room) return;
    this.input.value = this.current ?? "";
    setText(this.label, `Topic of #${this.room}`);
    this.form.hidden = false;
    this.edit.hidden = true;
    this.text.hidden = true;
    this.input.focus();
  }

  close() {
    this.form.hidden = true;
    this.edit.hidden = false;
    this.text.hidden = false;
  }

  async submit() {
    const room = this.room;
    const text = this.input.value.trim();
    try {
      await this.save(room, text);
      if (this.room === room) this.close();
    } catch {
      this.input.focus(); // the app has said why
    }
  }
}
