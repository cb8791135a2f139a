// typing.js: who is typing where, and when to tell the server that I am. Pure: the time is always an argument.
//
// Receiving: the server relays another member's `{"type":"typing","conversation","user"}` (never my own: it
// does not send a typist's frames back to their devices). The contract says to show it for about 5 seconds
// unless renewed, and to drop it at once when a message from that user arrives there. So the state is
// `Map conversation id -> Map username -> until (ms)`, replaced, never changed in place, like the rest of the
// store (and Maps, not objects, because usernames such as `__proto__` are valid; see store.js).
//
// Sending: a `typing` frame at most once every 3 seconds per conversation while the person types. A typist
// who keeps going renews the line every 3 s, before its 5 s run out, so it does not flicker; one who stops
// is gone 5 s after their last frame.

export const TYPING_SHOWN_MS = 5000;
export const TYPING_SEND_EVERY_MS = 3000;

/** `user` is typing in `conversation`, shown until `now + TYPING_SHOWN_MS`. */
export function withTyping(typing, conversation, user, now) {
  const next = new Map(typing);
  const users = new Map(typing.get(conversation) || []);
  users.set(user, now + TYPING_SHOWN_MS);
  next.set(conversation, users);
  return next;
}

/** `user` stopped typing in `conversation` (their message arrived). The same Map when nothing changes. */
export function withoutTyping(typing, conversation, user) {
  const users = typing.get(conversation);
  if (!users || !users.has(user)) return typing;
  const next = new Map(typing);
  const rest = new Map(users);
  rest.delete(user);
  if (rest.size > 0) next.set(conversation, rest);
  else next.delete(conversation);
  return next;
}

/** Drops what ran out by `now`. The same Map when nothing did, so the views skip the work. */
export function expireTyping(typing, now) {
  let next = typing;
  for (const [conversation, users] of typing) {
    for (const [user, until] of users) {
      if (until <= now) next = withoutTyping(next, conversation, user);
    }
  }
  return next;
}

/** When the next entry runs out (ms), or null when nobody is typing anywhere: when to expire again. */
export function nextExpiry(typing) {
  let soonest = null;
  for (const users of typing.values()) {
    for (const until of users.values()) if (soonest === null || until < soonest) soonest = until;
  }
  return soonest;
}

/** Who is typing in one conversation, sorted, never me (a defence: the server does not send me my own). */
export function typistsIn(typing, conversation, me) {
  const users = typing.get(conversation);
  return users ? [...users.keys()].filter((user) => user !== me).sort() : [];
}

/**
 * The line under the title: "alice is typing…", "alice and bob are typing…", "3 people are typing…". Named in a
 * direct conversation too: the same words wherever the line shows (the conversation list's preview has no title).
 * Empty when nobody types.
 */
export function typingLine(typists) {
  if (typists.length === 0) return '';
  if (typists.length === 1) return `${typists[0]} is typing…`;
  if (typists.length === 2) return `${typists[0]} and ${typists[1]} are typing…`;
  return `${typists.length} people are typing…`;
}

/** Whether a `typing` frame may go now, given when the last one for that conversation went (or undefined). */
export function typingDue(lastSentAt, now) {
  return lastSentAt === undefined || now - lastSentAt >= TYPING_SEND_EVERY_MS;
}
