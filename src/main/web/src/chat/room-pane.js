// The messages of one room: a scrolling log with the history edge on top, the stored messages in seq order,
// then my messages still on their way (pending, or not sent with Retry and Discard).
import { h, setText } from "../dom.js";
import { longTime, shortTime } from "../time.js";
import { avatar } from "./avatar.js";

const NEAR_TOP_PX = 80;
const NEAR_BOTTOM_PX = 60;

export class RoomPane {
  /**
   * @param state   the room's RoomState
   * @param me      my username
   * @param actions {loadOlder(room), retry(clientId), discard(clientId)}
   */
  constructor(state, me, actions) {
    this.state = state;
    this.me = me;
    this.actions = actions;
    this.bySeq = new Map();
    this.byClientId = new Map();
    this.atBottom = true;
    this.loading = false;

    this.edgeButton = h("button", { type: "button", class: "link-button", text: "Load older messages",
      onclick: () => this.actions.loadOlder(this.state.name) });
    this.edgeText = h("span", { class: "edge-text" });
    this.edge = h("div", { class: "history-edge" }, this.edgeText, this.edgeButton);
    this.list = h("ol", { class: "message-list" });
    this.outbox = h("ol", { class: "message-list outbox", "aria-label": "Messages being sent" });
    this.scroller = h("div", {
      class: "scroller",
      role: "log",
      "aria-live": "polite",
      "aria-label": `Messages in #${state.name}`,
      tabindex: "0",
      onscroll: () => this.onScroll(),
    }, this.edge, this.list, this.outbox);
    this.el = h("section", { class: "room-pane", hidden: true, dataset: { room: state.name } }, this.scroller);
    this.updateEdge();
  }

  show() {
    this.el.hidden = false;
    if (this.atBottom) this.scrollToBottom();
    this.fillIfShort();
  }

  hide() {
    this.el.hidden = true;
  }

  onScroll() {
    if (this.el.hidden) return;
    const s = this.scroller;
    this.atBottom = s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
    if (s.scrollTop < NEAR_TOP_PX && this.state.hasOlder && !this.loading) this.actions.loadOlder(this.state.name);
  }

  /** Asks for older pages while the log does not fill its box (nothing to scroll up with). */
  fillIfShort() {
    const s = this.scroller;
    if (!this.el.hidden && this.state.hasOlder && !this.loading && s.scrollHeight <= s.clientHeight + NEAR_TOP_PX) {
      this.actions.loadOlder(this.state.name);
    }
  }

  setLoading(loading) {
    this.loading = loading;
    this.updateEdge();
  }

  updateEdge() {
    const { hasOlder, joined, name } = this.state;
    this.edgeButton.hidden = !hasOlder || this.loading;
    setText(this.edgeText, !joined ? "Joining…" : this.loading ? "Loading older messages…"
      : hasOlder ? "" : this.list.childElementCount ? `This is the beginning of #${name}.`
      : `No messages in #${name} yet. Say hello!`);
  }

  /** Renders messages the state just added (any seqs: older, newer or in between), keeping the view steady. */
  insert(added, { ownSent = false } = {}) {
    if (!added.length) {
      this.updateEdge();
      return;
    }
    const s = this.scroller;
    const visible = !this.el.hidden;
    const wasAtBottom = visible ? s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX : this.atBottom;
    const firstShown = this.list.firstElementChild;
    const prepending = firstShown && added[added.length - 1].seq < Number(firstShown.dataset.seq);
    const heightBefore = s.scrollHeight;
    const topBefore = s.scrollTop;

    // highest first: each one's successor is then already in the list
    for (let i = added.length - 1; i >= 0; i -= 1) {
      const message = added[i];
      const li = this.renderMessage(message, ownSent && message.from === this.me);
      const next = this.state.nextSeq(message.seq);
      this.list.insertBefore(li, next === null ? null : this.bySeq.get(next) ?? null);
      this.bySeq.set(message.seq, li);
    }
    this.updateEdge();
    if (!visible) return;
    if (prepending) {
      s.scrollTop = topBefore + (s.scrollHeight - heightBefore);
    } else if (wasAtBottom || ownSent) {
      this.scrollToBottom();
    }
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.atBottom = true;
  }

  renderMessage(message, sentNow) {
    const own = message.from === this.me;
    return h("li", {
      class: `msg${own ? " own" : ""}`,
      dataset: { seq: message.seq, from: message.from, state: "sent" },
    },
      avatar(message.from),
      h("div", { class: "msg-body" },
        h("div", { class: "msg-meta" },
          h("span", { class: "msg-from", text: message.from }),
          h("time", { datetime: message.ts, title: longTime(message.ts), text: shortTime(message.ts) }),
          own && sentNow ? h("span", { class: "msg-status", text: "✓ Sent" }) : null),
        h("p", { class: "msg-text", text: message.text })));
  }

  // --- my messages on their way ---------------------------------------------------------------------------

  /** Shows or updates an outbox entry (pending or failed); `moved`: it went to the end of the queue. */
  renderOutbox(entry, { moved = false } = {}) {
    const failed = entry.state === "failed";
    const li = h("li", {
      class: `msg own ${failed ? "failed" : "pending"}`,
      dataset: { clientId: entry.clientId, from: this.me, state: entry.state },
    },
      avatar(this.me),
      h("div", { class: "msg-body" },
        h("div", { class: "msg-meta" },
          h("span", { class: "msg-from", text: this.me }),
          h("time", { datetime: entry.createdAt, title: longTime(entry.createdAt), text: shortTime(entry.createdAt) }),
          h("span", { class: "msg-status", text: failed ? "Not sent" : "Sending…" })),
        h("p", { class: "msg-text", text: entry.text }),
        failed ? h("p", { class: "msg-error", role: "alert" },
          h("span", { text: entry.error }),
          " ",
          h("button", { type: "button", class: "retry", text: "Retry",
            "aria-label": "Retry sending this message",
            onclick: () => this.actions.retry(entry.clientId) }),
          " ",
          h("button", { type: "button", class: "discard", text: "Discard",
            "aria-label": "Discard message",
            onclick: () => this.actions.discard(entry.clientId) })) : null));
    const old = this.byClientId.get(entry.clientId);
    if (old && !moved) {
      old.replaceWith(li);
    } else {
      old?.remove();
      this.outbox.append(li);
    }
    this.byClientId.set(entry.clientId, li);
    if (!old && !this.el.hidden) this.scrollToBottom();
  }

  /** The entry left the outbox without being stored (discarded). */
  removeOutbox(clientId) {
    this.byClientId.get(clientId)?.remove();
    this.byClientId.delete(clientId);
  }

  /** The entry was stored: it leaves the outbox; `message` is shown in its place unless it already is. */
  acknowledged(clientId, message, added) {
    this.removeOutbox(clientId);
    if (added) {
      this.insert([added], { ownSent: true });
    } else {
      const li = this.bySeq.get(message.seq);
      if (li && !li.querySelector(".msg-status")) {
        li.querySelector(".msg-meta").append(h("span", { class: "msg-status", text: "✓ Sent" }));
      }
    }
  }
}
