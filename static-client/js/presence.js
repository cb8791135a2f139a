// presence.js: who is online, and what to say about it. Pure, apart from the watch's timer, which is passed in.
//
// The server sends `{"type":"presence","user","online":true|false,"lastSeen":"<ISO>"|null}` for each user this
// connection watches: at once after a `watch`, then on every change. `online:null` means "not a contact" (we
// share no conversation): nothing is known, nothing is shown. So the state is `Map username -> {online, lastSeen}`
// (a Map, because `__proto__` is a valid username; see store.js), replaced, never changed in place.
//
// Watching: the server computes who our contacts are when the `watch` arrives, and a new connection watches
// nobody. So the client sends the whole set again on every (re)connect and whenever it changes: the people of
// the direct conversations in the list and the members of the open conversation, at most 500 (createWatch).
// Changes are debounced: a catch-up that brings twenty new conversations sends one `watch`, not twenty.

import { formatTime } from './format.js';

export const WATCH_MAX = 500;
export const WATCH_DEBOUNCE_MS = 300;

const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const shortDateWithYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });

/** A `presence` frame applied. Malformed frames change nothing (the same Map); a non-contact is forgotten. */
export function withPresence(presence, frame) {
  if (!frame || typeof frame.user !== 'string') return presence;
  const next = new Map(presence);
  if (typeof frame.online !== 'boolean') {
    if (!presence.has(frame.user)) return presence;
    next.delete(frame.user);
    return next;
  }
  const lastSeen = typeof frame.lastSeen === 'string' && !Number.isNaN(Date.parse(frame.lastSeen)) ? frame.lastSeen : null;
  const old = presence.get(frame.user);
  if (old && old.online === frame.online && old.lastSeen === lastSeen) return presence;
  next.set(frame.user, { online: frame.online, lastSeen });
  return next;
}

function startOfDay(date) {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/**
 * What the header says under a direct conversation's name: "online", "last seen today at 14:02",
 * "last seen yesterday at 9:05", "last seen 3 Mar at 9:05" (with the year when it is not this one), in the
 * reader's locale and time zone; '' when nothing is known (not a contact, or offline and never seen).
 */
export function presenceLine(entry, now = new Date()) {
  if (!entry) return '';
  if (entry.online) return 'online';
  if (!entry.lastSeen) return '';
  const date = new Date(entry.lastSeen);
  const time = formatTime(entry.lastSeen);
  const ago = Math.round((startOfDay(now) - startOfDay(date)) / 86400000);
  if (ago <= 0) return `last seen today at ${time}`;
  if (ago === 1) return `last seen yesterday at ${time}`;
  const day = date.getFullYear() === now.getFullYear() ? shortDate.format(date) : shortDateWithYear.format(date);
  return `last seen ${day} at ${time}`;
}

/** Whether `user` is online as far as we know. */
export function isOnline(presence, user) {
  const entry = presence.get(user);
  return Boolean(entry && entry.online);
}

/**
 * Whom to watch: the other person of every direct conversation we hold, and the members of the open one
 * (a group's too), never me; sorted, at most WATCH_MAX (the open conversation's people first, so they are
 * never the ones cut off).
 */
export function watchList(conversations, selected, me) {
  const names = [];
  const seen = new Set([me]);
  const add = (name) => {
    if (typeof name === 'string' && name && !seen.has(name)) {
      seen.add(name);
      names.push(name);
    }
  };
  const open = selected ? conversations.get(selected) : null;
  if (open && !open.ended) {
    if (open.kind === 'direct') add(open.name);
    for (const member of open.members) add(member.username);
  }
  const direct = [];
  for (const conversation of conversations.values()) {
    if (conversation.kind === 'direct' && conversation.name) direct.push(conversation.name);
  }
  for (const name of direct.sort()) add(name);
  return names.slice(0, WATCH_MAX).sort();
}

/**
 * Sends `{"type":"watch","users"}` when the wanted set changes (debounced) and at once on connect.
 *  - want(list): the set we want now; a different one from what the server has goes after `delayMs` of quiet;
 *  - connected(): a new connection watches nobody: the current set goes now;
 *  - stop(): forgets everything (logging out).
 * `send(frame)` returns whether the socket took it; one it did not take goes on the next connected().
 */
export function createWatch({ send, schedule = setTimeout, cancel = clearTimeout, delayMs = WATCH_DEBOUNCE_MS }) {
  let wanted = [];
  let told = null; // what the server has, as a joined key; null: nothing (a new connection)
  let timer = null;

  function flush() {
    cancel(timer);
    timer = null;
    const key = wanted.join('\n');
    if (key === told) return;
    if (send({ type: 'watch', users: wanted })) told = key;
  }

  return {
    want(list) {
      wanted = list.slice(0, WATCH_MAX);
      if (wanted.join('\n') === told) {
        cancel(timer);
        timer = null;
        return;
      }
      cancel(timer);
      timer = schedule(flush, delayMs);
    },
    connected() {
      told = null;
      flush();
    },
    stop() {
      cancel(timer);
      timer = null;
      wanted = [];
      told = null;
    },
  };
}
