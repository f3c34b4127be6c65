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

// a hostile review: "mailto:%E2%80%AE@x" is found as a link, refused (not http), and its direction control made the
// spoof check replace its text with an address it does not have: the parser threw, and the web client took that
// for the server refusing the room, which then vanished for every member while the message was among its latest
test("a refused link holding a direction control stays its text, and nothing throws", () => {
  for (const text of ["mailto:%E2%80%AE@x", "ftp://x.y/%E2%80%AE", "//evil.example/%E2%80%AE", "mailto:a@b.c\u202E",
    "see mailto:%E2%80%AE@x and https://example.com/"]) {
    const nodes = parseMarkup(text);
    assert.ok(!nodes.some((node) => typeof node === "object" && node.tag === "a" && !/^https?:/.test(node.href)),
      JSON.stringify(nodes));
  }
  assert.deepEqual(parseMarkup("mailto:%E2%80%AE@x"), ["mailto:%E2%80%AE@x"]);
});

// the same review: markdown-it shows an address decoded, so encoded line breaks put the link's real host forty lines
// above the address the reader sees, the whole of it one link
test("a link whose text would hold white space or an invisible character shows its address as it is opened", () => {
  const phish = `http://127.0.0.1:18399/phish${"%0A".repeat(40)}https://accounts.google.com/ServiceLogin`;
  for (const text of [phish, "https://evil.example/%20%20%20https://bank.example", "https://evil.example/%09x",
    "https://evil.example/%E2%80%A8x", "https://evil.example/a%E2%80%8Bb", "https://evil.example/%C2%ADx"]) {
    const links = parseMarkup(text).filter((node) => typeof node === "object" && node.tag === "a");
    assert.equal(links.length, 1, text);
    assert.deepEqual(links[0].children, [links[0].href], text);
    assert.ok(!/[\s\u200B\u00AD]/.test(links[0].children[0]), JSON.stringify(links[0]));
  }
  // an address without any keeps its readable text
  assert.deepEqual(parseMarkup("https://example.com/caf%C3%A9"), [
    { tag: "a", href: "https://example.com/caf%C3%A9", children: ["https://example.com/café"] }]);
});

test("no text makes the parser throw (random strings of markup, schemes, escapes and controls)", () => {
  const parts = ["*", "**", "`", "```\n", "\n", " ", "https://", "http://x.y/", "mailto:", "ftp://", "//", "@", "%E2%80%AE",
    "%0A", "%", "\u202E", "\u2066", "\u200B", "[", "](", ")", "<", ">", "a", ".com", "\\", "xn--e1awd7f"];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < 20000; i++) {
    let text = "";
    for (let n = next() % 12; n >= 0; n--) text += parts[next() % parts.length];
    assert.doesNotThrow(() => parseMarkup(text), JSON.stringify(text));
  }
});
