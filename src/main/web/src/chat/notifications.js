// Browser notifications (Notification API) for a message that mentions me or the room, or comes in a direct message,
// while the tab is hidden. Permission is asked once, on a click of "Enable notifications"; the answer is remembered
// (localStorage) and the control goes. A notification's text is plain text; clicking it focuses the tab and opens the
// room.
import { h } from "../dom.js";
import { isConversation } from "../names.js";
import { loadNotificationAnswer, saveNotificationAnswer } from "../storage.js";
import { mentionsMe } from "./mentions.js";

/** The longest body shown: a notification is a glimpse, the room has the rest. */
const MAX_BODY = 200;

export class Notifier {
  /** @param open (room) → the room comes into view */
  /** @param label (user) → the name people know them by */
  constructor({ me, open, label = (user) => String(user) }) {
    this.me = me;
    this.open = open;
    this.label = label;
    this.control = h("button", { type: "button", class: "link-button notify-enable", text: "Enable notifications",
      onclick: () => this.enable() });
    this.update();
  }

  static supported() {
    return typeof window.Notification === "function";
  }

  /** Shown only while there is something to ask: supported, never answered here, and not decided in the browser. */
  update() {
    this.control.hidden = !Notifier.supported() || loadNotificationAnswer() !== null
      || window.Notification.permission !== "default";
  }

  async enable() {
    if (!Notifier.supported()) return;
    let answer;
    try {
      answer = await window.Notification.requestPermission();
    } catch {
      answer = window.Notification.permission;
    }
    saveNotificationAnswer(answer);
    this.update();
  }

  /** A live message of `room`: notified when it is for me and I am not looking. */
  message(room, message) {
    if (!Notifier.supported() || window.Notification.permission !== "granted" || !document.hidden) return;
    if (!message || message.from === this.me || typeof message.text !== "string") return;
    if (!isConversation(room) && !mentionsMe(message.text, this.me)) return;
    const text = [...message.text];
    const body = text.length > MAX_BODY ? `${text.slice(0, MAX_BODY).join("")}…` : message.text;
    const from = this.label(message.from);
    const title = isConversation(room) ? from : `${from} in #${room}`;
    try {
      const notification = new window.Notification(title, { body, tag: `${room}:${message.seq}` });
      notification.onclick = () => {
        window.focus();
        this.open(room);
        notification.close();
      };
    } catch {
      // a browser that shows them only from a service worker: nothing here
    }
  }
}
