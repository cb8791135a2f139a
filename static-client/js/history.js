// history.js: a conversation's older messages, a page at a time, by seq.
//
// Opening a conversation for the first time loads its newest page (`GET .../messages?limit=50`); scrolling to
// the top loads the page before the oldest one shown (`before=<oldestSeq>`). Paging is by seq, not by time or by
// message id: seq numbers are the conversation's own order, with no ties, so a page boundary never skips or
// repeats a message. `oldestSeq` is the oldest seq of the pages, not of whatever messages are held (a live
// message or a catch-up may have brought some from elsewhere; paging from those would skip what lies between).
//
// The first page also sets syncedSeq, the base from which sync.js catches up after a reconnect: up to the first
// seq the page is missing, if it misses one (a message still being written, see sync.js), and then `onGap` has
// sync.js look at that conversation again; a gap below a message older than ten minutes is passed at once
// (store.js, passOldGaps).

import { extendSynced, passOldGaps, withConversation } from './store.js';

const PAGE = 50;

export function createHistory({
  store, api, merge, session, handleFailure, showNotice, onGone, onGap = () => {}, now = Date.now,
}) {
  /** The newest page, the first time a conversation is opened (or again after an error). */
  async function loadNewest(id) {
    store.set((state) => withConversation(state, id, { loading: true, error: null }));
    const current = session();
    try {
      const { msgs } = await api.messagesBefore(id, undefined, PAGE);
      if (current !== session()) return;
      const list = Array.isArray(msgs) ? msgs : [];
      merge(list, { live: false });
      const hasMore = list.length === PAGE;
      // A full page has older history below it (before= pages bring that); a short one is the whole
      // conversation, from seq 1. From there on syncedSeq follows what is held.
      const oldest = hasMore && Number.isInteger(list[0].seq) ? list[0].seq : 1;
      const newest = list.length && Number.isInteger(list[list.length - 1].seq) ? list[list.length - 1].seq : 0;
      store.set((state) => withConversation(state, id, (c) => passOldGaps(extendSynced({
        ...c,
        loaded: true,
        loading: false,
        hasMore,
        oldestSeq: list.length ? list[0].seq : null,
        syncedSeq: Math.max(c.syncedSeq, oldest - 1),
      }), now())));
      const loaded = store.get().conversations.get(id);
      if (loaded && loaded.syncedSeq < newest) onGap(id);
    } catch (error) {
      if (current !== session() || handleFailure(error)) return;
      if (error.status === 404) {
        onGone(id);
        return;
      }
      store.set((state) => withConversation(state, id, { loading: false, error: error.message }));
    }
  }

  /** The page before the oldest one shown, when the person scrolls to the top. */
  async function loadOlder(id) {
    const conversation = store.get().conversations.get(id);
    if (!conversation || !conversation.loaded || !conversation.hasMore || conversation.loadingOlder) return;
    if (!conversation.oldestSeq) return;
    store.set((state) => withConversation(state, id, { loadingOlder: true }));
    const current = session();
    try {
      const { msgs } = await api.messagesBefore(id, conversation.oldestSeq, PAGE);
      if (current !== session()) return;
      const list = Array.isArray(msgs) ? msgs : [];
      merge(list, { live: false });
      store.set((state) => withConversation(state, id, {
        loadingOlder: false,
        hasMore: list.length === PAGE,
        oldestSeq: list.length ? list[0].seq : conversation.oldestSeq,
      }));
    } catch (error) {
      if (current !== session() || handleFailure(error)) return;
      store.set((state) => withConversation(state, id, { loadingOlder: false }));
      showNotice(error.message);
    }
  }

  return { loadNewest, loadOlder };
}
