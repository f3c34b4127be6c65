// Mentions: the contract's token rule (the server counts by it, io.chat.history.Mentions), the spans to highlight in
// a message, and the name being typed after an `@` in the composer.

/** The name that mentions everyone in the room. */
export const ROOM_MENTION = "room";

/** A character that, just before an `@`, makes it part of a word (an address such as bob@alice.com). */
const WORD_BEFORE = /[\p{L}\p{Nd}._-]/u;
/** An `@` and the name after it: the longest run of name characters. */
const TOKEN = /@([A-Za-z0-9._-]*)/g;

const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * The mentions of `me` (by name) and of the room in `text`: [{start, end, name}] where text.slice(start, end) is the
 * `@name` to highlight (without dots ending a sentence). `me` null: the room's mentions only.
 */
export function mentionSpans(text, me) {
  const mine = me ? asciiLower(me) : null;
  const spans = [];
  for (const match of String(text ?? "").matchAll(TOKEN)) {
    const at = match.index;
    if (at > 0 && WORD_BEFORE.test(precedingChar(match.input, at))) continue;
    const run = asciiLower(match[1]);
    const trimmed = run.replace(/\.+$/, "");
    if (mine !== null && run === mine) spans.push({ start: at, end: at + 1 + run.length, name: me });
    else if (mine !== null && trimmed === mine) spans.push({ start: at, end: at + 1 + trimmed.length, name: me });
    else if (trimmed === ROOM_MENTION) spans.push({ start: at, end: at + 1 + trimmed.length, name: ROOM_MENTION });
  }
  return spans;
}

/** Whether the text mentions `me` or the room: what the server counts in `rooms:mine`'s `mentions`. */
export const mentionsMe = (text, me) => mentionSpans(text, me).length > 0;

/** The code point before index `at` (a letter outside the BMP is two code units). */
function precedingChar(text, at) {
  const low = text.charCodeAt(at - 1);
  return low >= 0xdc00 && low <= 0xdfff && at >= 2 ? text.slice(at - 2, at) : text.charAt(at - 1);
}

/**
 * The name being typed at the caret: {start, query} when the text before the caret ends with an `@` (that starts a
 * mention by the rule above) and name characters; null otherwise.
 */
export function mentionAtCaret(text, caret) {
  const before = text.slice(0, caret);
  const match = /@([A-Za-z0-9._-]*)$/.exec(before);
  if (!match) return null;
  if (match.index > 0 && WORD_BEFORE.test(precedingChar(before, match.index))) return null;
  return { start: match.index, query: match[1] };
}
