// text.js: what a message's text is made of, as the bubble and the composer need it: the links in it, whether it
// is only a few emoji (shown large), and how long it is by the server's count.
//
// Pure functions, no DOM, so Node tests them as they are (test/text.test.js). The bubble builds its nodes from
// linkParts() (views/conversation.js): text stays text nodes and a link is an <a> made with createElement, so a
// message is never parsed as HTML. Only http: and https: become links: `javascript:` and `data:` run or show
// something when clicked, and a chat has no reason to link to anything else.

/** The server's limit (chat-server protocol/Inbound.java, MAX_TEXT_CHARS), in Unicode code points. */
export const MAX_TEXT_CHARS = 4096;
/** From here on the composer shows how many characters are left. */
export const COUNTER_FROM = 3800;

/** The length of a text as the server counts it: code points, so an emoji outside the BMP is one, not two. */
export function codePointCount(text) {
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point; a lone surrogate counts as one, as Java does.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/**
 * What the composer says about the length: nothing below COUNTER_FROM; then how many are left, or by how much the
 * text is too long (which also means it cannot be sent).
 */
export function lengthStatus(text, max = MAX_TEXT_CHARS) {
  const count = codePointCount(text);
  const left = max - count;
  const number = (n) => n.toLocaleString('en-US');
  return {
    count,
    over: left < 0,
    words: count < COUNTER_FROM ? '' : left >= 0 ? `${number(left)} left` : `${number(-left)} too many`,
  };
}

// A URL starts at http:// or https:// that does not continue a word or another scheme ("xhttp://",
// "javascript:http://"), and runs to the next space or character a URL does not hold raw.
const URL_START = /(?<![\p{L}\p{N}_:/.+-])https?:\/\//giu;
const URL_CHARS = /[^\s<>"`{}|\\^\u00a0\u2000-\u200b\u2028\u2029\u3000]*/y;
// Said after a link, not part of it: "see https://example.com." or "(https://example.com)".
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '*', '_', '~', '…']);
const CLOSERS = new Map([[')', '('], [']', '['], ['}', '{']]);

/** The URL that starts at `start` with its trailing punctuation left out, or '' when there is none. */
function urlAt(text, start) {
  URL_CHARS.lastIndex = start;
  let url = URL_CHARS.exec(text)[0];
  for (;;) {
    const last = url.slice(-1);
    if (TRAILING.has(last)) {
      url = url.slice(0, -1);
    } else if (CLOSERS.has(last) && count(url, last) > count(url, CLOSERS.get(last))) {
      url = url.slice(0, -1); // a closing bracket the link did not open belongs to the sentence
    } else {
      break;
    }
  }
  return url;
}

function count(text, char) {
  let n = 0;
  for (const c of text) if (c === char) n += 1;
  return n;
}

/** The address a link opens, or null when `url` is not an http(s) URL with a host (then it stays text). */
export function safeHref(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) return null;
  return parsed.href;
}

/**
 * A message's text as parts, in order: { text } for plain text and { text, href } for a link, whose text is
 * what was written and whose href is what it opens. Joined, the parts' texts are the message exactly.
 */
export function linkParts(text) {
  const parts = [];
  let plainFrom = 0;
  URL_START.lastIndex = 0;
  for (let match = URL_START.exec(text); match; match = URL_START.exec(text)) {
    const url = urlAt(text, match.index);
    // Something must follow the `//`, and not a third slash: the URL parser would read `http:///x` as a host.
    const rest = url.slice(match[0].length);
    const href = rest && !rest.startsWith('/') ? safeHref(url) : null;
    if (!href) continue;
    if (match.index > plainFrom) parts.push({ text: text.slice(plainFrom, match.index) });
    parts.push({ text: url, href });
    plainFrom = match.index + url.length;
    URL_START.lastIndex = plainFrom;
  }
  if (plainFrom < text.length || parts.length === 0) parts.push({ text: text.slice(plainFrom) });
  return parts;
}

// One emoji as people see it: a pictograph or a keycap, with what may follow inside the same character (skin
// tones, the emoji presentation selector, ZWJ joins, tag sequences), or a pair of regional indicators (a flag).
const PICTOGRAPH = '(?:\\p{Extended_Pictographic}|[0-9#*]\\uFE0F?\\u20E3)';
const MODIFIERS = '(?:\\p{Emoji_Modifier}|\\uFE0F|[\\u{E0020}-\\u{E007F}])*';
const ONE_EMOJI = new RegExp(
  `^(?:\\p{Regional_Indicator}{2}|${PICTOGRAPH}${MODIFIERS}(?:\\u200D${PICTOGRAPH}${MODIFIERS})*)$`, 'u');
const segmenter = typeof Intl !== 'undefined' && Intl.Segmenter ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null;

/**
 * Whether a message is one to three emoji and nothing else (spaces between them allowed): then the bubble shows
 * them large. Counted by what the reader sees as one character (a grapheme): a family joined by ZWJ, a flag or a
 * thumb with a skin tone is one. Without Intl.Segmenter (old browsers) nothing is large, which is only a look.
 */
export function isEmojiOnly(text, max = 3) {
  if (!segmenter || typeof text !== 'string') return false;
  let emoji = 0;
  for (const { segment } of segmenter.segment(text)) {
    if (/^\s+$/u.test(segment)) continue;
    if (!ONE_EMOJI.test(segment)) return false;
    emoji += 1;
    if (emoji > max) return false;
  }
  return emoji > 0;
}
