// format.js: dates and times as a person reads them, in their own language and time zone.
//
// The server sends ISO-8601 UTC timestamps; everything here uses the browser's locale (Intl), so the same message
// reads "14:05" in Berlin and "2:05 PM" in Boston. No dates are formatted anywhere else.

// hour 'numeric', not '2-digit': the locale decides, so en-US reads "9:50 PM" (not "09:50 PM"), de-DE "9:05".
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

function daysAgo(date, now) {
  return Math.round((startOfDay(now) - startOfDay(date)) / 86400000);
}

/** "14:05" */
export function formatTime(ts) {
  return timeFormat.format(new Date(ts));
}

/** "Monday, 3 March 2025 at 14:05", for tooltips. */
export function formatFull(ts) {
  return fullFormat.format(new Date(ts));
}

/** Milliseconds from `now` to the next local midnight, when "today" and "yesterday" move on. */
export function msUntilNextDay(now = new Date()) {
  const next = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return next - now;
}

/** The local calendar day of a timestamp, to group messages under day separators. */
export function dayKey(ts) {
  const date = new Date(ts);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

/** A day separator's text: "Today", "Yesterday", "Monday" within a week, else "3 March 2025". */
export function dayLabel(ts, now = new Date()) {
  const date = new Date(ts);
  const ago = daysAgo(date, now);
  if (ago === 0) return 'Today';
  if (ago === 1) return 'Yesterday';
  if (ago > 1 && ago < 7) return weekdayFormat.format(date);
  return dateFormat.format(date);
}

/** The time beside a conversation in the side panel: "14:05" today, "Yesterday", "Monday", else "3 Mar". */
export function listTime(ts, now = new Date()) {
  const date = new Date(ts);
  const ago = daysAgo(date, now);
  if (ago === 0) return formatTime(ts);
  if (ago === 1) return 'Yesterday';
  if (ago > 1 && ago < 7) return weekdayFormat.format(date);
  return shortDateFormat.format(date);
}
