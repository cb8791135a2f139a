// outbox.js: the messages we sent that the server has not acked yet, and where they survive a reload.
//
// A message typed while offline (or while the server restarts) is not an error: it waits with a clock, and goes
// by itself when the connection is back, with the same clientMsgId, which the server promises never to store
// twice. So an entry is only ever
//   pending  waiting to be sent, or sent and waiting for its ack (sent again after a reconnect or a back-off), or
//   failed   refused for good by the server (too long, not a member any more...): the person decides, Retry.
// It leaves the outbox when the server's copy arrives by any path: its ack, a `chat msg` from another tab of
// ours, or a catch-up page (store.js, withServerMessages).
//
// The entries live in the state (a Map, for the views) and in localStorage (to survive a reload), under a key
// per user so two accounts used in one browser never send each other's messages. Storage is written entry by
// entry (read, change one, write), not as a snapshot of this tab's Map, so two tabs of one user that share the
// storage do not overwrite each other's pending messages.
//
// Everything but `outboxStorage`'s calls to its `storage` is pure, and Node tests it (static-client/test/).

/**
 * Error codes that say "not now" rather than "not this": the message stays pending and is sent again later.
 * Every other code (invalid_message, not_member, not_found, unknown_receiver...) fails it until a Retry.
 */
const TRANSIENT = new Set(['shutting_down', 'rate_limited', 'store_unavailable', 'overloaded', 'internal']);

export function isTransient(code) {
  return TRANSIENT.has(code);
}

/** How long to wait before sending again after a "not now" error that gives no hint. */
export const RESEND_DELAY_MS = 3000;
const MAX_RETRY_AFTER_MS = 60000;

/**
 * When to send again after a "not now" error frame: the server's `retryAfterMs` when it gives one (`overloaded`:
 * its queue is full, and it estimates when there is room), else RESEND_DELAY_MS; and then up to half as long again
 * at random, so that the many clients a saturated server refused at once do not all come back at the same
 * moment. `random` is Math.random, or a fixed value in a test.
 */
export function retryDelay(frame, random = Math.random) {
  const hint = Number.isSafeInteger(frame?.retryAfterMs) && frame.retryAfterMs >= 0
    ? Math.min(frame.retryAfterMs, MAX_RETRY_AFTER_MS)
    : RESEND_DELAY_MS;
  return Math.round(hint * (1 + 0.5 * random()));
}

/** A new entry: what the composer sent, to which conversation, with our guess of the time (the ack corrects it). */
export function newEntry({ clientMsgId, conversation, message, ts }) {
  return { clientMsgId, conversation, message, ts, status: 'pending', error: null };
}

/** The entry after an `error` frame naming it: still pending for a transient code, failed (with why) otherwise. */
export function afterError(entry, code, text) {
  if (isTransient(code)) return { ...entry, status: 'pending', error: null };
  return { ...entry, status: 'failed', error: text || 'Not sent.' };
}

/** One conversation's entries, oldest first: shown after its stored messages. */
export function entriesFor(outbox, conversationId) {
  return [...outbox.values()]
    .filter((entry) => entry.conversation === conversationId)
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
}

/** What goes on the wire (again) when the socket is open: every pending entry, oldest first. */
export function toSend(outbox) {
  return [...outbox.values()].filter((entry) => entry.status === 'pending').sort((a, b) => (a.ts < b.ts ? -1 : 1));
}

/** The `chat msg` frame for an entry (contract v2: by conversation id). */
export function frameOf(entry) {
  return { type: 'chat msg', conversation: entry.conversation, message: entry.message, clientMsgId: entry.clientMsgId };
}

function isEntry(value) {
  return value !== null && typeof value === 'object'
    && ['clientMsgId', 'conversation', 'message', 'ts'].every((field) => typeof value[field] === 'string')
    && (value.status === 'pending' || value.status === 'failed');
}

/**
 * The outbox in `storage` (window.localStorage, or any object with getItem/setItem/removeItem) for `user`.
 * A storage that throws (full, disabled, a private window's quirks) only costs surviving a reload.
 */
export function outboxStorage(storage, user) {
  const key = `chitchat.outbox.${user}`;

  function read() {
    try {
      const parsed = JSON.parse(storage.getItem(key) || '[]');
      return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
    } catch {
      return [];
    }
  }

  function write(entries) {
    try {
      if (entries.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify(entries));
    } catch {
      // see above: this tab still holds the entry and sends it
    }
  }

  return {
    /** The stored entries as a Map clientMsgId -> entry. */
    load() {
      return new Map(read().map((entry) => [entry.clientMsgId, entry]));
    },
    /** Adds or replaces one entry. */
    put(entry) {
      const { clientMsgId, conversation, message, ts, status, error } = entry;
      write([...read().filter((e) => e.clientMsgId !== clientMsgId), { clientMsgId, conversation, message, ts, status, error }]);
    },
    /** Removes one entry (acked, or stored as another tab or a catch-up showed). */
    remove(clientMsgId) {
      const entries = read();
      const rest = entries.filter((e) => e.clientMsgId !== clientMsgId);
      if (rest.length !== entries.length) write(rest);
    },
  };
}
