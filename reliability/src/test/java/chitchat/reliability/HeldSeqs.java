package chitchat.reliability;

import java.util.TreeSet;

/**
 * What a {@link Device} holds of one conversation, by seq, and where its catch-up starts: {@link #synced}, the seq
 * up to which it holds every message, or knows a missing one was never used. This is the browser's
 * {@code syncedSeq} with the same rule (static-client/js/store.js {@code extendSynced} and {@code settleGaps},
 * js/sync.js {@code fetchAfter}); docs/PROTOCOL.md, "Catching up (v2)" and its caveat, says why.
 *
 * <p>Why not "the newest seq held": a message of one's own, acked at seq 12 while 11 was missed live (a broker
 * outage stops deliveries, not acks), would start the next catch-up after 11. Why not "the newest seq of the
 * last page": seqs are reserved before they are stored, so a page can hold 12 while 11, reserved a moment
 * earlier on another instance, is still being written; after 12, no later page would bring 11. A missing seq
 * is taken as unused only once it has been missing for {@link #SETTLE_MILLIS}. (The browser also passes at once a
 * gap below a message more than ten minutes old, by its {@code ts}; a device here lives for one test, so every
 * gap it meets is fresh.) Thread-safe.
 */
final class HeldSeqs {

    /** The browser's GAP_SETTLE_MS: longer than any write of the store can take. */
    static final long SETTLE_MILLIS = 30_000;

    private final TreeSet<Integer> above = new TreeSet<>(); // held seqs above synced, not joined to it yet
    private int synced;
    private long gapSince = -1; // when pages first showed seqs missing below gapUpTo; -1: no gap known
    private int gapUpTo;

    /** A message of the conversation reached the device (ack, live frame or page). */
    synchronized void add(int seq) {
        if (seq > synced) {
            above.add(seq);
            extend();
        }
    }

    /**
     * {@code after=} pages reached {@code pagedTo} at {@code nowMillis}: the server has nothing else up to there
     * unless it is being written. Missing seqs below it are passed over once missing for {@link #SETTLE_MILLIS}.
     */
    synchronized void pagedTo(int pagedTo, long nowMillis) {
        if (gapSince >= 0 && gapUpTo <= synced) {
            gapSince = -1; // that gap filled
        }
        if (synced >= pagedTo) {
            gapSince = -1;
            return;
        }
        if (gapSince >= 0 && nowMillis - gapSince >= SETTLE_MILLIS) {
            synced = Math.max(synced, gapUpTo); // whatever was being written below gapUpTo is stored by now
            gapSince = -1;
            extend();
            if (synced >= pagedTo) {
                return;
            }
        }
        if (gapSince < 0) {
            gapSince = nowMillis;
            gapUpTo = pagedTo;
        }
    }

    /** Seqs are missing below what pages showed: the device asks again later. */
    synchronized boolean hasGap() {
        return gapSince >= 0;
    }

    synchronized int synced() {
        return synced;
    }

    private void extend() {
        above.headSet(synced, true).clear();
        while (above.remove(synced + 1)) {
            synced++;
        }
    }
}
