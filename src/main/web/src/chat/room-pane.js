// The messages of one room: a scrolling log with the history edge on top, the stored messages in seq order,
// then my messages still on their way (pending, or not sent with Retry and Discard).
import { h, setText } from "../dom.js";
import { between, dayKey, dayLabel, longTime, shortTime } from "../time.js";
import { avatar } from "./avatar.js";
import { renderMarkup } from "./markup.js";
import { isConversation } from "../names.js";

const NEAR_TOP_PX = 80;
/** The reaction picker's emojis (any other one a message has can be added to with its chip). */
export const PICKER_EMOJIS = ["👍", "❤️", "😂", "🎉", "😮", "👀"];
const NEAR_BOTTOM_PX = 60;
/** A message this soon after the previous one from the same sender joins its group (no avatar, no name). */
const GROUP_MS = 5 * 60 * 1000;

/** The message next to `li` in the list (`direction`: "previousElementSibling" or "nextElementSibling"), skipping lines. */
function sibling(li, direction) {
  let other = li[direction];
  while (other && other.dataset.seq === undefined) other = other[direction];
  return other;
}

export class RoomPane {
  /**
   * @param state   the room's RoomState
   * @param me      my username
   * @param people  the display names (People)
   * @param actions {loadOlder(room), retry(clientId), discard(clientId), edit(room, seq), remove(room, seq),
   *                react(room, seq, emoji)}
   */
  constructor(state, me, people, actions) {
    this.state = state;
    this.me = me;
    this.people = people;
    this.actions = actions;
    this.bySeq = new Map();
    this.byClientId = new Map();
    this.atBottom = true;
    this.loading = false;
    /** The "New messages" line goes above the first message of others after this seq (null: no line). */
    this.newAfter = null;
    // an item of the list that reads "New messages" (a role of its own would make the list hold a non-item: axe's
    // "list" rule)
    this.newLine = h("li", { class: "new-line" }, h("span", { text: "New messages" }));

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
      "aria-label": isConversation(state.name) ? "Messages in this conversation" : `Messages in #${state.name}`,
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
    const where = isConversation(name) ? "this conversation" : `#${name}`;
    this.edgeButton.hidden = !hasOlder || this.loading;
    setText(this.edgeText, !joined ? "Joining…" : this.loading ? "Loading older messages…"
      : hasOlder ? "" : this.list.childElementCount ? `This is the beginning of ${where}.`
      : `No messages in ${where} yet. Say hello!`);
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
    const firstShown = this.list.querySelector(":scope > li[data-seq]");
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
    for (const message of added) {
      const li = this.bySeq.get(message.seq);
      this.placeInFlow(li);
      const next = sibling(li, "nextElementSibling");
      if (next) this.placeInFlow(next);
    }
    this.placeNewLine();
    this.updateEdge();
    if (!visible) return;
    if (prepending) {
      s.scrollTop = topBefore + (s.scrollHeight - heightBefore);
    } else if (wasAtBottom || ownSent) {
      this.scrollToBottom();
    }
  }

  /**
   * A message starting a new local day gets the day's separator; one following the same sender's within a few
   * minutes on the same day is shown as part of their group, unless its text opens with bold: grouped, its sender's
   * name is hidden, and "**alice**" on its first line read as a new message from alice (a hostile review).
   */
  placeInFlow(li) {
    const previous = sibling(li, "previousElementSibling");
    const { ts, from } = li.dataset;
    const newDay = !previous || dayKey(previous.dataset.ts) !== dayKey(ts);
    const divider = li.querySelector(":scope > .day-divider");
    divider.hidden = !newDay;
    setText(divider.firstElementChild, newDay ? dayLabel(ts) : "");
    const gap = previous ? between(previous.dataset.ts, ts) : NaN;
    const opensWithBold = li.querySelector(".msg-text")?.firstChild?.nodeName === "STRONG";
    li.classList.toggle("continued",
      !newDay && previous.dataset.from === from && gap >= 0 && gap < GROUP_MS && !opensWithBold);
  }

  /** Shows the "New messages" line above the first message of others after `seq`, or none (null). */
  showNewLine(seq) {
    this.newAfter = seq;
    this.placeNewLine();
  }

  placeNewLine() {
    this.newLine.remove();
    if (this.newAfter == null) return;
    const first = this.state.order.find((seq) => seq > this.newAfter && this.state.messages.get(seq)?.from !== this.me);
    const li = first === undefined ? null : this.bySeq.get(first);
    if (li) this.list.insertBefore(this.newLine, li);
  }

  /**
   * Opened with unread messages: when the "New messages" line is above the view, it is brought to the top, where I
   * stopped reading, rather than leaving me at the newest message with what I missed out of sight.
   */
  revealNewLine() {
    if (this.el.hidden || !this.newLine.isConnected) return;
    const s = this.scroller;
    const above = this.newLine.getBoundingClientRect().top - s.getBoundingClientRect().top;
    if (above >= 0) return; // in view already
    s.scrollTop = Math.max(0, s.scrollTop + above - 8);
    this.atBottom = s.scrollHeight - s.scrollTop - s.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.atBottom = true;
  }

  renderMessage(message, sentNow) {
    const own = message.from === this.me;
    const deleted = message.deleted === true;
    const edited = !deleted && message.edited === true;
    return h("li", {
      class: `msg${own ? " own" : ""}${deleted ? " deleted" : ""}`,
      dataset: { seq: message.seq, from: message.from, ts: message.ts,
        state: deleted ? "deleted" : edited ? "edited" : "sent" },
    },
      h("div", { class: "day-divider", role: "separator", hidden: true }, h("span")),
      avatar(message.from),
      h("div", { class: "msg-body" },
        h("div", { class: "msg-meta" },
          this.people.nameOf(message.from, { class: "msg-from" }),
          h("time", { datetime: message.ts, title: longTime(message.ts), text: shortTime(message.ts) }),
          edited ? h("span", { class: "msg-edited", text: "(edited)",
            title: typeof message.editedTs === "string" ? `Edited ${longTime(message.editedTs)}` : "Edited" }) : null,
          own && sentNow ? h("span", { class: "msg-status", text: "✓ Sent" }) : null,
          own && !deleted ? h("span", { class: "msg-actions" },
            h("button", { type: "button", class: "link-button msg-edit", text: "Edit",
              "aria-label": "Edit this message",
              onclick: () => this.actions.edit(this.state.name, message.seq) }),
            h("button", { type: "button", class: "link-button msg-delete", text: "Delete",
              "aria-label": "Delete this message",
              onclick: () => this.actions.remove(this.state.name, message.seq) })) : null),
        deleted ? h("p", { class: "msg-text msg-placeholder", text: "Message deleted" })
          : h("div", { class: "msg-text" }, ...renderMarkup(h, message.text, { me: this.me })),
        deleted ? null : this.renderReactions(message)));
  }

  /** Chips (emoji, count; who in the title; pressed when mine) and a small picker. */
  renderReactions(message) {
    const reactions = Array.isArray(message.reactions) ? message.reactions : [];
    const react = (emoji) => this.actions.react(this.state.name, message.seq, emoji);
    const chips = reactions.filter((r) => typeof r?.emoji === "string" && Array.isArray(r.users)).map((r) => {
      // the server lists the first reactors only; count is all of them
      const count = Number.isInteger(r.count) && r.count >= r.users.length ? r.count : r.users.length;
      const mine = r.users.includes(this.me);
      const more = count - r.users.length;
      // none listed: only deleted users whose names were given again reacted (they are counted, not named)
      const who = r.users.length === 0 ? `${more} ${more === 1 ? "person" : "people"}`
        : this.people.labels(r.users) + (more > 0 ? ` and ${more} more` : "");
      return h("button", { type: "button", class: `reaction${mine ? " mine" : ""}`, title: who,
        "aria-pressed": mine ? "true" : "false",
        "aria-label": `${r.emoji} ${count}: ${who}${mine ? ". Press to remove yours" : ". Press to add yours"}`,
        dataset: { emoji: r.emoji },
        onclick: () => react(r.emoji) }, `${r.emoji} ${count}`);
    });
    const menu = h("span", { class: "reaction-picker", role: "group", "aria-label": "Pick a reaction", hidden: true },
      ...PICKER_EMOJIS.map((emoji) => h("button", { type: "button", class: "pick", "aria-label": `React with ${emoji}`,
        text: emoji, onclick: () => {
          menu.hidden = true;
          toggle.setAttribute("aria-expanded", "false");
          react(emoji);
        } })));
    const toggle = h("button", { type: "button", class: "link-button add-reaction", text: "☺+",
      "aria-label": "Add a reaction", "aria-expanded": "false", onclick: () => {
        menu.hidden = !menu.hidden;
        toggle.setAttribute("aria-expanded", menu.hidden ? "false" : "true");
        if (!menu.hidden) menu.querySelector("button")?.focus();
      } });
    return h("div", { class: "reactions" }, ...chips, toggle, menu);
  }

  /** Renders again messages whose text or state changed (edited, deleted). */
  update(messages) {
    for (const message of messages) {
      const old = this.bySeq.get(message.seq);
      if (!old) continue;
      const li = this.renderMessage(message, false);
      old.replaceWith(li);
      this.bySeq.set(message.seq, li);
      this.placeInFlow(li);
    }
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
