// The mention token rule without a browser: the same cases as io.chat.history.MentionsTest (the server's count), and
// the name typed at the composer's caret.
import assert from "node:assert/strict";
import { test } from "node:test";
import { mentionAtCaret, mentionSpans, mentionsMe } from "../../main/web/src/chat/mentions.js";

const MENTIONS_ALICE = ["@alice", "hi @alice", "@ALICE, hello", "thanks @alice.", "(@Alice)", "@room: all",
  "@Room", "ping @room.", "@@alice", "«@alice»", "line\n@alice"];
const NOT_ALICE = ["@alicex", "@alice_", "@alice-", "@alice-x", "bob@alice.com", "x.@alice", "é@alice", "9@alice", "@rooms",
  "@ alice", "alice", "@", "`@bob`", "@al ice", "@alicé"];

test("whole tokens, any ASCII case, @room; not inside a word or a longer name", () => {
  for (const text of MENTIONS_ALICE) assert.equal(mentionsMe(text, "alice"), true, text);
  for (const text of NOT_ALICE) assert.equal(mentionsMe(text, "alice"), false, text);
  assert.equal(mentionsMe("hey @alice.", "alice."), true, "a name may end in a dot");
  assert.equal(mentionsMe("@bob and @room", null), true, "the room's mention without me");
});

test("the spans cover the @name, not the dots ending a sentence", () => {
  assert.deepEqual(mentionSpans("thanks @Alice. and @room", "alice"),
    [{ start: 7, end: 13, name: "alice" }, { start: 19, end: 24, name: "room" }]);
});

test("the name at the caret", () => {
  assert.deepEqual(mentionAtCaret("hi @al", 6), { start: 3, query: "al" });
  assert.deepEqual(mentionAtCaret("@", 1), { start: 0, query: "" });
  assert.equal(mentionAtCaret("mail bob@al", 11), null);
  assert.equal(mentionAtCaret("hi @al ice", 10), null);
  assert.deepEqual(mentionAtCaret("hi @al ice", 6), { start: 3, query: "al" });
});

test("highlighting: spans around mentions of me and the room in text, never in code; the rest stays text", async () => {
  const { renderMarkup } = await import("../../main/web/src/chat/markup.js");
  const h = (tag, props, ...children) => ({ tag, class: props?.class ?? null, text: props?.text ?? null,
    children: children.flat(Infinity) });
  const nodes = renderMarkup(h, "**@alice** `@alice` <b>@room</b> @bob", { me: "alice" });
  assert.deepEqual(nodes.flat(Infinity), [
    { tag: "strong", class: null, text: null, children: [{ tag: "span", class: "mention mention-me", text: "@alice", children: [] }] },
    " ",
    { tag: "code", class: null, text: null, children: ["@alice"] },
    " <b>",
    { tag: "span", class: "mention mention-room", text: "@room", children: [] },
    "</b> @bob",
  ]);
});
