// A message's small, safe markdown: **bold**, *italic*, `inline code`, ``` code blocks ```, and http(s) links found
// in the text. markdown-it parses (with raw HTML, markdown links and images off); what it gives back is turned into
// plain nodes here, and only those become elements (never HTML strings): nothing a sender writes can add an element
// of its own, an attribute or a script.
import MarkdownIt from "markdown-it";
import { mentionSpans, ROOM_MENTION } from "./mentions.js";

const md = new MarkdownIt("zero", { html: false, linkify: true, breaks: false })
  .enable(["emphasis", "backticks", "fence", "escape", "newline", "linkify"]);
md.linkify.set({ fuzzyEmail: false });

/** Schemes a link may have: anything else stays text. */
const LINK = /^https?:\/\//i;

/**
 * Direction embeddings, overrides and isolates: in a link they make it show one address and open another
 * ("https://evil.example/\u202Emoc.elgoog.www//:sptth" reads as google.com), so such a link stays text.
 */
const BIDI = /[\u202A-\u202E\u2066-\u2069]/;

/**
 * White space, controls and invisible format characters in a link's text: markdown-it shows an address decoded, so
 * "https://evil.example/%0A%0A...https://accounts.google.com" showed the second address forty lines below the first,
 * the whole of it one link to the first. Such a link shows its address as it is opened (percent-encoded).
 */
const HIDDEN = /[\s\p{Cc}\p{Cf}]/u;

/** An address whose host has a punycode (internationalized) label. */
const PUNYCODE = /^[a-z][a-z0-9+.-]*:\/\/(?:[^/?#@]*@)?(?:[^/?#.]*\.)*xn--/i;

/**
 * The text as nodes: strings, and {tag: "strong"|"em"|"code"|"pre"|"a", children, href?}. Paragraphs and line breaks
 * stay newlines (the message box keeps white space), so a message without markup reads exactly as it was written.
 */
export function parseMarkup(text) {
  const blocks = md.parse(String(text ?? ""), {});
  const out = [];
  let paragraphs = 0;
  for (const token of blocks) {
    if (token.type === "paragraph_open" && paragraphs++ > 0) out.push("\n\n");
    else if (token.type === "inline") out.push(...inline(token.children ?? []));
    else if (token.type === "fence") {
      if (out.length) out.push("\n");
      out.push({ tag: "pre", children: [{ tag: "code", children: [token.content.replace(/\n$/, "")] }] });
      paragraphs = 0;
    }
  }
  return merge(out);
}

function inline(tokens) {
  const root = { children: [] };
  const stack = [root];
  const top = () => stack[stack.length - 1];
  for (const token of tokens) {
    switch (token.type) {
      case "text":
        top().children.push(token.content);
        break;
      case "softbreak":
      case "hardbreak":
        top().children.push("\n");
        break;
      case "code_inline":
        top().children.push({ tag: "code", children: [token.content] });
        break;
      case "strong_open":
      case "em_open": {
        const node = { tag: token.tag, children: [] };
        top().children.push(node);
        stack.push(node);
        break;
      }
      case "link_open": {
        const href = token.attrGet("href") ?? "";
        const node = { tag: LINK.test(href) ? "a" : null, href, children: [] };
        top().children.push(node);
        stack.push(node);
        break;
      }
      case "link_close":
        if (stack.length > 1) {
          const link = top();
          // a refused link ({tag: null}: "mailto:...", "ftp://...") is text, shown decoded as markdown-it found it
          // unless that would hide something, as a link's would
          if (spoofs(link)) Object.assign(link, { tag: null, children: [link.href] });
          // an internationalized host shows as it is opened (punycode): markdown-it shows it decoded, and a
          // look-alike ("https://еріс.com", Cyrillic) would read as another site
          else if ((link.tag === "a" && PUNYCODE.test(link.href)) || hides(link)) link.children = [link.href];
          stack.pop();
        }
        break;
      case "strong_close":
      case "em_close":
        if (stack.length > 1) stack.pop();
        break;
      default:
        // anything else keeps its source text
        if (token.content) top().children.push(token.content);
    }
  }
  return flatten(root.children);
}

/**
 * A link whose address or text holds a direction control: what it shows may not be where it goes. It is shown as its
 * address with the controls escaped (%E2%80%AE), so the trick is visible and nothing is clickable.
 */
function spoofs(link) {
  let href = link.href ?? "";
  try {
    href = decodeURI(href);
  } catch {
    // a malformed escape: the raw address is checked as it is
  }
  return BIDI.test(href) || link.children.some((child) => typeof child === "string" && BIDI.test(child));
}

/** A link whose shown text holds white space or an invisible character: it may show one address and open another. */
function hides(link) {
  return link.children.some((child) => typeof child === "string" && HIDDEN.test(child));
}

/** A link that was refused ({tag: null}) leaves its text in place. */
function flatten(children) {
  const out = [];
  for (const child of children) {
    if (typeof child === "string") out.push(child);
    else if (child.tag === null) out.push(...flatten(child.children));
    else out.push({ ...child, children: flatten(child.children) });
  }
  return merge(out);
}

function merge(nodes) {
  const out = [];
  for (const node of nodes) {
    if (typeof node === "string" && typeof out[out.length - 1] === "string") out[out.length - 1] += node;
    else if (node !== "") out.push(node);
  }
  return out;
}

/**
 * The nodes as DOM, built with `h` (text nodes only for strings); links open apart from the app, without opener.
 * Mentions of `me` and of the room are marked (a span around their text) in plain text, not in code or links.
 */
export function renderMarkup(h, text, { me = null } = {}) {
  const build = (node, plain) => typeof node === "string" ? (plain ? highlight(h, node, me) : node)
    : node.tag === "a"
      ? h("a", { href: node.href, target: "_blank", rel: "noopener noreferrer nofollow", dir: "ltr" },
        ...node.children.map((child) => build(child, false)))
      : h(node.tag, null, ...node.children.map((child) => build(child, plain && node.tag !== "code")));
  let nodes;
  try {
    nodes = parseMarkup(text);
  } catch (error) {
    // a message this parser cannot take shows as its text: one message never stops a room from showing
    console.error("markup failed; the message is shown as text", error);
    nodes = [String(text ?? "")];
  }
  return nodes.map((node) => build(node, true));
}

/** A string with its mentions of me and of the room in spans; text nodes only (the span's text is the mention). */
function highlight(h, text, me) {
  const spans = mentionSpans(text, me);
  if (!spans.length) return text;
  const out = [];
  let from = 0;
  for (const { start, end, name } of spans) {
    out.push(text.slice(from, start));
    out.push(h("span", { class: `mention ${name === ROOM_MENTION && name !== me ? "mention-room" : "mention-me"}`,
      text: text.slice(start, end) }));
    from = end;
  }
  out.push(text.slice(from));
  return out.filter((part) => part !== "");
}
