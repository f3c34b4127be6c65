// Timestamps arrive in UTC (ISO-8601, "Z"); they are shown in the browser's local time zone.
const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "medium" });

function parse(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "14:03" today, "Mar 3, 14:03" on another day. */
export function shortTime(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return "";
  return date.toDateString() === now.toDateString() ? clock.format(date) : `${day.format(date)}, ${clock.format(date)}`;
}

/** The full local date and time, for tooltips. */
export function longTime(iso) {
  const date = parse(iso);
  return date ? full.format(date) : "";
}

const dayLong = new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric" });

/** The local day of a timestamp ("2025-03-03"-like key), for day separators; "" when unreadable. */
export function dayKey(iso) {
  const date = parse(iso);
  return date ? `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}` : "";
}

/** "Today", "Yesterday", or "Monday, March 3, 2025". */
export function dayLabel(iso, now = new Date()) {
  const date = parse(iso);
  if (!date) return "";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (dayKey(iso) === dayKey(now.toISOString())) return "Today";
  if (dayKey(iso) === dayKey(yesterday.toISOString())) return "Yesterday";
  return dayLong.format(date);
}

/** Milliseconds from one timestamp to another (NaN when one is unreadable). */
export function between(fromIso, toIso) {
  return new Date(toIso).getTime() - new Date(fromIso).getTime();
}
