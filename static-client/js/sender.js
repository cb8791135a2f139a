// sender.js: the outbox at work: putting messages on the WebSocket, and what acks and errors do to them.
//
// outbox.js says what an entry is and where it is kept; this module moves entries along:
//  - send(): a new entry, kept (state and localStorage) and written to the socket if it is open;
//  - flush(): on every (re)connect, every pending entry not on the wire yet, oldest first;
//  - an `ack` merges the stored message into its conversation (chat.js's merge), which takes it out of the
//    outbox in the same state change, so the bubble that showed a clock is the one that shows "sent";
//  - an `error` naming it: "not now" codes leave it pending and send it again a little later (after the
//    server's `retryAfterMs` when it is overloaded); anything else fails it, with the server's words and a Retry;
//  - no ack in ACK_TIMEOUT_MS on a socket that looks open (a half-dead connection): sent again. Resending is
//    always safe: the server stores a clientMsgId once and acks it again with the same id and seq.

import { serverNow } from './api.js';
import { afterError, frameOf, isTransient, newEntry, outboxStorage, retryDelay, toSend } from './outbox.js';
import { isMessage, mapWith, mapWithout } from './store.js';

const ACK_TIMEOUT_MS = 10000;

export function createSender({ store, socket, merge, showNotice }) {
  let saved = null; // outboxStorage of the logged-in user
  const inFlight = new Map(); // clientMsgId -> ack timer, for what is on the wire now
  let resendTimer = null;

  /** A session starts: what an earlier page of this user left unsent, to show (pending) and send. */
  function start(user) {
    saved = outboxStorage(window.localStorage, user);
    return saved.load();
  }

  /** The session ends (the stored entries stay, for this user's next visit). */
  function stop() {
    saved = null;
    clearTimeout(resendTimer);
    connectionLost();
  }

  /** The socket closed: what was on the wire may or may not be stored; it stays pending and goes again. */
  function connectionLost() {
    for (const timer of inFlight.values()) clearTimeout(timer);
    inFlight.clear();
  }

  /** Shows the message at once (pending), keeps it until acked, and sends it if the socket is open. */
  function send(conversationId, text) {
    const entry = newEntry({
      clientMsgId: crypto.randomUUID(),
      conversation: conversationId,
      message: text,
      ts: new Date(serverNow()).toISOString(),
    });
    keep(entry);
    transmit(entry);
  }

  /** A failed message, again (same clientMsgId). */
  function retry(clientMsgId) {
    const entry = store.get().outbox.get(clientMsgId);
    if (!entry) return;
    const again = { ...entry, status: 'pending', error: null };
    keep(again);
    transmit(again);
  }

  function keep(entry) {
    store.set((state) => ({ outbox: mapWith(state.outbox, entry.clientMsgId, entry) }));
    saved?.put(entry);
  }

  /** The message is stored (acked, or seen coming back), or given up: forget it everywhere. */
  function settled(clientMsgId) {
    clearTimeout(inFlight.get(clientMsgId));
    inFlight.delete(clientMsgId);
    store.set((state) => (state.outbox.has(clientMsgId) ? { outbox: mapWithout(state.outbox, clientMsgId) } : null));
    saved?.remove(clientMsgId);
  }

  function transmit(entry) {
    const open = socket();
    if (inFlight.has(entry.clientMsgId) || !open || !open.send(frameOf(entry))) return; // waits for flush()
    inFlight.set(entry.clientMsgId, setTimeout(() => {
      inFlight.delete(entry.clientMsgId);
      scheduleFlush(0);
    }, ACK_TIMEOUT_MS));
  }

  /** Every pending message, oldest first, that is not on the wire already. */
  function flush() {
    for (const entry of toSend(store.get().outbox)) transmit(entry);
  }

  function scheduleFlush(delay) {
    clearTimeout(resendTimer);
    resendTimer = setTimeout(flush, delay);
  }

  function acknowledged(frame) {
    const entry = store.get().outbox.get(frame.clientMsgId);
    if (!entry) return;
    const stored = {
      id: frame.id, conversation: frame.conversation || entry.conversation, seq: frame.seq, sender: store.get().me,
      message: entry.message, ts: typeof frame.ts === 'string' ? frame.ts : entry.ts, clientMsgId: entry.clientMsgId,
    };
    if (isMessage(stored)) merge([stored], { live: false }); // which settles it on the way
    else settled(entry.clientMsgId);
  }

  /** An `error` frame. Returns whether it was about one of our messages (else chat.js shows it as a notice). */
  function rejected(frame) {
    const entry = typeof frame.clientMsgId === 'string' ? store.get().outbox.get(frame.clientMsgId) : undefined;
    if (!entry) return false;
    clearTimeout(inFlight.get(entry.clientMsgId));
    inFlight.delete(entry.clientMsgId);
    const text = typeof frame.message === 'string' && frame.message ? frame.message : 'The server refused this message.';
    keep(afterError(entry, frame.error, text));
    if (isTransient(frame.error)) {
      // shutting_down: the socket closes soon and the next open sends it; rate_limited, store_unavailable:
      // a little later on this socket; overloaded: after the server's hint, with jitter (outbox.js, retryDelay).
      scheduleFlush(retryDelay(frame));
    } else {
      showNotice(text);
    }
    return true;
  }

  return { start, stop, connectionLost, send, retry, settled, flush, acknowledged, rejected };
}
