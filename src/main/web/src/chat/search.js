// Search of the rooms I may read (`search` event): a box in the sidebar, results with room, person, time, the matched
// message and the one before it; a click opens the message in its room. Every string goes in as text (h()), never
// as HTML: a message cannot inject markup here.
import { h, replaceChildren, setText } from "../dom.js";
import { longTime, shortTime } from "../time.js";

/** The server's bound on a query (`search`: 200 characters). */
export const MAX_QUERY = 200;

export class SearchPanel {
  /**
   * @param actions {request(event, payload) → Promise<ack>, open(room, seq), describe(error) → text,
   *                person(user) → display name, room(name) → "#general" or a conversation's members}
   */
  constructor(actions) {
    this.actions = actions;
    this.query = null;
    this.next = null;
    this.turn = 0; // the latest run's number: an older run's answer is dropped
    this.inFlight = Promise.resolve(); // the search sent last, settled either way
    this.input = h("input", { id: "search-query", name: "q", type: "search", autocomplete: "off",
      maxlength: String(MAX_QUERY), placeholder: "Search messages", spellcheck: "false" });
    this.status = h("p", { class: "hint search-status", role: "status", "aria-live": "polite" });
    this.results = h("ul", { class: "search-results", "aria-label": "Search results" });
    this.more = h("button", { type: "button", class: "link-button", text: "More results", hidden: true,
      onclick: () => this.run(this.query, this.next) });
    this.form = h("form", { class: "search-form", role: "search", novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        this.run(this.input.value.trim(), null);
      } },
    h("label", { for: "search-query", text: "Search" }),
    h("div", { class: "row" }, this.input, h("button", { type: "submit", text: "Search" })),
    h("p", { class: "hint", text: "Words, \"a phrase\", -word. Your rooms only." }));
    this.el = h("div", { class: "search" }, this.form, this.status, this.results, this.more);
  }

  async run(query, before) {
    if (!query || !/[\p{L}\p{N}]/u.test(query)) {
      setText(this.status, "Type a word to search for.");
      return;
    }
    if (!before) {
      replaceChildren(this.results);
      this.more.hidden = true;
    }
    this.query = query;
    const turn = ++this.turn;
    setText(this.status, "Searching…");
    try {
      const payload = { q: query.slice(0, MAX_QUERY) };
      if (before) payload.before = before;
      // one at a time: the server refuses a second search of mine while one is in flight
      await this.inFlight;
      if (turn !== this.turn) return; // a newer search started meanwhile
      const pending = this.actions.request("search", payload);
      this.inFlight = pending.then(() => {}, () => {});
      const ack = await pending;
      if (turn !== this.turn) return;
      for (const result of ack.results) this.results.append(this.render(result));
      this.next = ack.next ?? null;
      this.more.hidden = !this.next;
      const count = this.results.children.length;
      setText(this.status, count ? `${count} result${count === 1 ? "" : "s"}` : "No messages found.");
    } catch (error) {
      setText(this.status, `Search failed: ${this.actions.describe(error)}`);
    }
  }

  render(result) {
    const context = result.context
      ? h("span", { class: "search-context", text: `${this.actions.person(result.context.from)}: ${result.context.text}` })
      : null;
    const where = this.actions.room(result.room);
    const who = this.actions.person(result.from);
    return h("li", { class: "search-result", dataset: { room: result.room, seq: result.seq } },
      h("button", { type: "button", class: "search-open",
        "aria-label": `Open message of ${who} in ${where}`,
        onclick: () => this.actions.open(result.room, result.seq) },
      h("span", { class: "search-meta" },
        h("span", { class: "search-room", dir: "auto", text: where }),
        h("span", { class: "search-from", dir: "auto", text: who }),
        h("time", { datetime: result.ts, title: longTime(result.ts), text: shortTime(result.ts) })),
      context,
      h("span", { class: "search-text", text: result.text })));
  }
}
