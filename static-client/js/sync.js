// sync.js: catching up on what the live path did not bring, exactly as the contract's "Catching up" says.
//
// After every (re)connect, and when the server sends `resync` (its broker link was down, so frames for us may be
// lost), the client asks:
//   1. `GET /api/conversations`: every conversation's lastSeq, readSeq and last message. That alone brings back
//      what happened while no tab was open: badges, previews, the order of the list, new groups, and the groups
//      we were removed from while away (they are no longer in it);
//   2. for each conversation whose history this tab holds (it was opened) and whose lastSeq is above syncedSeq
//      (how far we hold it without a gap): `GET .../messages?after=<syncedSeq>` until a short page.
// A conversation that was never opened needs no messages: opening it loads its newest page. There is no time
// window and no overlap, as v1 had: seq numbers say exactly what is missing, and a seq we hold is dropped.
//
// A live message can also reveal a gap (seq 12 arrives while we hold up to 10): catchUpConversation() fills it.
// A page can also show a gap: seqs are reserved before they are stored, so a page may hold 6 while 5, reserved
// a moment earlier on another instance, is still being written. syncedSeq then stays below the gap and the
// conversation is asked again every GAP_RECHECK_MS; 5 normally turns up at the first re-check. A gap still
// there GAP_SETTLE_MS after it was first seen is a seq never used (a server crashed between reserving and
// storing it), and syncedSeq moves past it (store.js, settleGaps).
//
// One run at a time; a request during a run (a `resync` while catching up) runs again after it.

import { settleGaps, withConversation, withConversationList } from './store.js';

const PAGE = 200; // the server's maximum for after=
const MAX_PAGES = 20; // per conversation per run: a huge gap is finished by the next run, not in one go
const GAP_RECHECK_MS = 3000; // a write in flight lands within milliseconds, rarely seconds

export function createSync({
  store, api, merge, session, handleFailure, onGone, onList = () => {}, now = Date.now, later = setTimeout,
}) {
  let running = false;
  let fullAgain = false;
  const gaps = new Set(); // conversation ids to catch up on besides those the list shows behind
  const rechecks = new Set(); // conversation ids with a re-check of a gap scheduled

  /** The whole catch-up: the list, then every held conversation that is behind. */
  function catchUp() {
    fullAgain = true;
    run();
  }

  /** Only one conversation (a gap seen in the live stream). */
  function catchUpConversation(id) {
    gaps.add(id);
    run();
  }

  async function run() {
    if (running) return;
    running = true;
    const current = session();
    try {
      while (fullAgain || gaps.size > 0) {
        const full = fullAgain;
        fullAgain = false;
        if (full) {
          const { conversations } = await api.conversations(200);
          if (current !== session()) return;
          const summaries = Array.isArray(conversations) ? conversations : [];
          store.set((state) => withConversationList(state, summaries));
          onList(summaries); // their last messages reached this device (chat.js tells the server: delivered)
        }
        const behind = [...store.get().conversations.values()]
          .filter((c) => c.loaded && !c.ended && (gaps.has(c.id) || c.lastSeq > c.syncedSeq))
          .map((c) => c.id);
        gaps.clear();
        for (const id of behind) {
          await fetchAfter(id, current);
          if (current !== session()) return;
        }
      }
    } catch (error) {
      if (current !== session() || handleFailure(error)) return;
      if (error.status === 429 || error.status === 503) {
        // The server is limiting history requests (many tabs reconnecting at once) or is busy: try again when
        // it says, rather than wait for the next reconnect with messages missing.
        const seconds = Math.min(30, Math.max(1, error.retryAfterSeconds || 2));
        setTimeout(() => { if (current === session()) catchUp(); }, seconds * 1000);
      }
      // otherwise (offline): the next reconnect tries again
    } finally {
      running = false;
    }
  }

  /**
   * Pages of `after=` for one conversation, from syncedSeq on, each from the newest seq of the one before, until
   * a short page; then syncedSeq moves as far as it safely can, and a gap left below it is asked about again.
   */
  async function fetchAfter(id, current) {
    const start = store.get().conversations.get(id);
    if (!start || !start.loaded) return;
    let after = start.syncedSeq;
    for (let page = 0; page < MAX_PAGES; page++) {
      let msgs;
      try {
        ({ msgs } = await api.messagesAfter(id, after, PAGE));
      } catch (error) {
        if (error.status === 404) {
          onGone(id); // removed from the group: for us it no longer exists
          return;
        }
        throw error;
      }
      if (current !== session()) return;
      const list = Array.isArray(msgs) ? msgs : [];
      merge(list, { live: false });
      after = list.reduce((max, m) => (Number.isInteger(m.seq) && m.seq > max ? m.seq : max), after);
      if (list.length < PAGE) break;
    }
    const pagedTo = after;
    store.set((state) => withConversation(state, id, (c) => (c.loaded ? settleGaps(c, pagedTo, now()) : c)));
    const conversation = store.get().conversations.get(id);
    if (conversation && conversation.gap && !rechecks.has(id)) {
      rechecks.add(id);
      later(() => {
        rechecks.delete(id);
        if (current === session()) catchUpConversation(id);
      }, GAP_RECHECK_MS);
    }
  }

  return { catchUp, catchUpConversation };
}
