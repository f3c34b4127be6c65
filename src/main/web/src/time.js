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
