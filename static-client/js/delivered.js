// delivered.js: telling the server what this device has received, without flooding it.
//
// The contract asks for `{"type":"delivered",conversation,seq}` when a device receives messages (live, or by
// catching up), at most about once a second per conversation. A busy group can bring ten messages a second, and
// a catch-up brings pages of 200; one frame per message would be wasted: a mark is a high-water mark, so only
// the highest seq matters. So per conversation:
//  - the first message after a quiet second goes at once (the sender's second tick shows without delay);
//  - what arrives within the next second is held, and one frame with the highest seq goes when it is over;
//  - a seq at or below what was already sent (or read: reading implies receiving) goes nowhere;
//  - a frame the socket could not take (offline) stays wanted and goes on the next flush() (the reconnect);
//  - across conversations, at most `perSecond` frames (10) go in any second; the rest wait their turn. A reload
//    or a reconnect can find a hundred conversations with something new at once, and the server allows a
//    connection 30 frames a second (bursts of 60), closing it after too many refused: the marks are not
//    worth losing the connection over, and the messages and acks need that allowance more.
// The clock and the timers are passed in, so Node tests drive it with a fake clock (test/delivered.test.js).

export const DELIVERED_EVERY_MS = 1000;

export const DELIVERED_PER_SECOND = 10;

export function createDeliveredMarks({
  send, now = Date.now, schedule = setTimeout, cancel = clearTimeout, everyMs = DELIVERED_EVERY_MS, perSecond = DELIVERED_PER_SECOND,
}) {
  const sent = new Map(); // conversation id -> the highest seq the server was told (delivered or read)
  const wanted = new Map(); // conversation id -> the highest seq received and not told yet
  const lastAt = new Map(); // conversation id -> when its last frame went (ms)
  const timers = new Map(); // conversation id -> the timer that sends what is held
  let recent = []; // when the frames of the last second went (ms), for the cap across conversations

  function go(conversation) {
    timers.delete(conversation);
    const seq = wanted.get(conversation);
    if (seq === undefined) return;
    const at = now();
    recent = recent.filter((t) => t > at - 1000);
    if (recent.length >= perSecond) {
      // Over the cap: this conversation's turn comes when the oldest frame of the second is a second old.
      timers.set(conversation, schedule(() => go(conversation), recent[0] + 1000 - at));
      return;
    }
    if (!send({ type: 'delivered', conversation, seq })) return; // offline: kept for flush()
    recent.push(at);
    wanted.delete(conversation);
    sent.set(conversation, Math.max(sent.get(conversation) || 0, seq));
    lastAt.set(conversation, at);
  }

  return {
    /** This device holds `conversation` up to `seq` (a message from someone else arrived, or a page of them). */
    received(conversation, seq) {
      if (!Number.isInteger(seq) || seq <= 0) return;
      if (seq <= (sent.get(conversation) || 0) || seq <= (wanted.get(conversation) || 0)) return;
      wanted.set(conversation, seq);
      if (timers.has(conversation)) return; // a frame is due already; it will carry this seq
      const wait = (lastAt.get(conversation) ?? -Infinity) + everyMs - now();
      if (wait <= 0) go(conversation);
      else timers.set(conversation, schedule(() => go(conversation), wait));
    },
    /** A `read` went up to `seq`: the server raises deliveredSeq with it, so nothing at or below it is needed. */
    read(conversation, seq) {
      sent.set(conversation, Math.max(sent.get(conversation) || 0, seq));
      if ((wanted.get(conversation) || 0) <= seq) wanted.delete(conversation);
    },
    /** The socket is open again: what could not go, goes now. */
    flush() {
      for (const conversation of [...wanted.keys()]) if (!timers.has(conversation)) go(conversation);
    },
    /** Logged out: forget everything (the next user's marks are theirs). */
    stop() {
      for (const timer of timers.values()) cancel(timer);
      timers.clear();
      sent.clear();
      wanted.clear();
      lastAt.clear();
      recent = [];
    },
  };
}
