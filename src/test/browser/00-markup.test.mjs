// The message markup without a browser: what becomes an element, what stays text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseMarkup } from "../../main/web/src/chat/markup.js";

test("plain text, line breaks and blank lines read exactly as written", () => {
  assert.deepEqual(parseMarkup("hello"), ["hello"]);
  assert.deepEqual(parseMarkup("one\ntwo\n\nthree"), ["one\ntwo\n\nthree"]);
  assert.deepEqual(parseMarkup("2 * 3 = 6, a_b_c"), ["2 * 3 = 6, a_b_c"]);
});

test("bold, italic and inline code", () => {
  assert.deepEqual(parseMarkup("**big** and *small* and `x < y`"), [
    { tag: "strong", children: ["big"] }, " and ", { tag: "em", children: ["small"] }, " and ",
    { tag: "code", children: ["x < y"] }]);
});

test("a fenced code block keeps its lines and is not parsed inside", () => {
  assert.deepEqual(parseMarkup("look:\n```js\nlet a = **b**;\n<b>\n```\nafter"), [
    "look:\n", { tag: "pre", children: [{ tag: "code", children: ["let a = **b**;\n<b>"] }] }, "after"]);
});

test("http and https links are found in the text; other schemes and markdown links stay text", () => {
  assert.deepEqual(parseMarkup("see https://example.com/a?b=1 now"), [
    "see ", { tag: "a", href: "https://example.com/a?b=1", children: ["https://example.com/a?b=1"] }, " now"]);
  // a markdown link shows its address, never a text of the sender's choosing
  assert.deepEqual(parseMarkup("[click](https://evil.example)"), [
    "[click](", { tag: "a", href: "https://evil.example", children: ["https://evil.example"] }, ")"]);
  for (const text of ["javascript:alert(1)", "data:text/html,<script>x</script>", "mail me: a@example.com",
    "[x](javascript:alert(1))", "<javascript:alert(1)>"]) {
    assert.deepEqual(parseMarkup(text), [text], text);
  }
  assert.ok(!JSON.stringify(parseMarkup("![img](https://example.com/x.png)")).includes('"img"'));
});

test("a link holding a direction control stays text: it would show one address and open another", () => {
  for (const text of ["Docs: https://evil.example/\u202Emoc.elgoog.www//:sptth then reply",
    "https://evil.example/\u2067x\u2069", "https://evil.example/%E2%80%AEmoc.elgoog"]) {
    const nodes = parseMarkup(text);
    assert.ok(nodes.every((node) => typeof node === "string"), JSON.stringify(nodes));
    assert.ok(nodes.join("").includes("https://evil.example/%E2"), JSON.stringify(nodes));
  }
  // a control outside the link leaves the link alone (the link is isolated from it when shown)
  assert.deepEqual(parseMarkup("\u202Eabc https://example.com/"), [
    "\u202Eabc ", { tag: "a", href: "https://example.com/", children: ["https://example.com/"] }]);
});

test("raw HTML is text", () => {
  assert.deepEqual(parseMarkup("<img src=x onerror=alert(1)>"), ["<img src=x onerror=alert(1)>"]);
  assert.deepEqual(parseMarkup("<script>alert(2)</script> & <b>bold</b>"), ["<script>alert(2)</script> & <b>bold</b>"]);
});

// markdown-it shows a punycode host decoded ("https://xn--e1awd7f.com" reads "https://еріс.com", Cyrillic, which looks
// like epic.com) while the link opens the punycode host: the text would differ from the target, as with a direction
// control
test("a link to an internationalized host shows the address it opens, not a look-alike", () => {
  const links = (text) => parseMarkup(text).filter((node) => typeof node === "object" && node.tag === "a");
  for (const text of ["https://xn--e1awd7f.com/login", "https://еріс.com/login", "https://www.xn--80ak6aa92e.com"]) {
    const found = links(text);
    assert.equal(found.length, 1, text);
    assert.deepEqual(found[0].children, [found[0].href], `${text}: shown ${JSON.stringify(found[0].children)}, opens ${found[0].href}`);
  }
  assert.deepEqual(parseMarkup("see https://example.com/a"), ["see ", { tag: "a", href: "https://example.com/a", children: ["https://example.com/a"] }]);
});
