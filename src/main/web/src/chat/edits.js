// Reactions (toggled with `reaction:toggle`), and editing and deleting my own messages: the composer switches to editing one of them (its Edit button, or the up
// arrow in an empty composer for my last one), Enter saves with `message:edit`, Escape cancels; Delete asks first,
// then sends `message:delete`. The server's answer (the change's entry) is applied to the room like a live one.
import { h, setText } from "../dom.js";
import { MAX_TEXT } from "../names.js";
import { newClientId } from "./room-state.js";

export class MessageEditor {
  /**
   * @param app {ui, me, connection, rooms: Map, viewName, notice(text), applied(room, entry)}: the chat app, read
   *            when needed (its view changes)
   */
  constructor(app) {
    this.app = app;
    /** {room, seq, draft}: the message being edited and what the composer held before; null when not editing */
    this.editing = null;
    const ui = app.ui;
    this.cancelButton = h("button", { type: "button", class: "link-button", text: "Cancel",
      onclick: () => this.cancel() });
    this.banner = h("p", { class: "composer-editing", role: "status", hidden: true },
      h("span", { class: "composer-editing-text" }), this.cancelButton);
    ui.composer.before(this.banner);
  }

  /** Keys of the composer: true when the editor took the key. */
  onComposerKey(event) {
    const input = this.app.ui.composerInput;
    if (event.key === "ArrowUp" && !this.editing && input.value === "" && !event.shiftKey && !event.altKey) {
      const room = this.app.rooms.get(this.app.viewName);
      const last = room?.state.lastOwn(this.app.me);
      if (!last) return false;
      event.preventDefault();
      this.start(room.state.name, last.seq);
      return true;
    }
    if (event.key === "Escape" && this.editing) {
      event.preventDefault();
      this.cancel();
      return true;
    }
    return false;
  }

  start(roomName, seq) {
    const room = this.app.rooms.get(roomName);
    const message = room?.state.messages.get(seq);
    if (!message || message.deleted || message.from !== this.app.me) return;
    if (this.app.viewName !== roomName) return;
    const input = this.app.ui.composerInput;
    this.editing = { room: roomName, seq, draft: this.editing ? this.editing.draft : input.value };
    input.value = message.text;
    setText(this.banner.querySelector(".composer-editing-text"), "Editing your message. Enter saves, Escape cancels.");
    this.banner.hidden = false;
    setText(this.app.ui.sendButton, "Save");
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  cancel() {
    if (!this.editing) return;
    const { draft } = this.editing;
    this.stop();
    this.app.ui.composerInput.value = draft;
  }

  stop() {
    this.editing = null;
    this.banner.hidden = true;
    setText(this.app.ui.sendButton, "Send");
  }

  /** The composer's Enter or Save while editing. */
  async save() {
    const { room, seq } = this.editing;
    const input = this.app.ui.composerInput;
    const text = input.value.replace(/\s+$/, "");
    const message = this.app.rooms.get(room)?.state.messages.get(seq);
    if (!text.trim() || (message && text === message.text)) {
      this.cancel();
      return;
    }
    const length = [...text].length;
    if (length > MAX_TEXT) {
      this.app.notice(`A message is ${MAX_TEXT} characters at most (this one has ${length}).`);
      return;
    }
    const { draft } = this.editing;
    this.stop();
    input.value = draft;
    await this.send("message:edit", { room, seq, text, clientId: newClientId() });
  }

  async remove(roomName, seq) {
    if (!window.confirm("Delete this message? Everyone in the room will see that it was deleted.")) return;
    if (this.editing?.room === roomName && this.editing.seq === seq) this.cancel();
    await this.send("message:delete", { room: roomName, seq, clientId: newClientId() });
  }

  /** Toggles my reaction with `emoji` on the message. */
  async react(roomName, seq, emoji) {
    await this.send("reaction:toggle", { room: roomName, seq, emoji, clientId: newClientId() });
  }

  async send(event, payload) {
    try {
      const ack = await this.app.connection.request(event, payload);
      this.app.applied(payload.room, ack.entry);
    } catch (error) {
      const what = { "message:edit": "edit the message", "message:delete": "delete the message",
        "reaction:toggle": "react" }[event];
      this.app.notice(`Could not ${what}: ${describe(error)}`);
    }
  }
}

function describe(error) {
  switch (error.code) {
    case "offline":
      return "you are offline.";
    case "forbidden":
      return "it is not yours, or you are not in the room.";
    case "not_found":
      return "it was deleted.";
    case "rate_limited":
      return "you are going too fast; try again in a moment.";
    case "too_large":
      return "that message has too many reactions.";
    default:
      return error.message || "something went wrong.";
  }
}
