package chitchat.reliability;

import java.util.TreeSet;

/**
 * What a {@link Device} holds of one conversation, by seq, and where its catch-up starts: {@link #synced}, the seq
 * up to which it holds every message, or a page said the server has nothing there. This is the browser's
 * {@code syncedSeq} (static-client/js/store.js {@code extendSynced}, js/sync.js {@code fetchAfter}); the rule's
 * one definition is docs/PROTOCOL.md, "Catching up (v2): by seq per conversation", as the browser applies it in
 * "How the browser client catches up".
 *
 * <p>Why not "the newest seq held": a message of one's own, acked at seq 12 while 11 was missed live (a broker
 * outage stops deliveries, not acks), would start the next catch-up after 11. Thread-safe.
 */
final class HeldSeqs {

    private final TreeSet<Integer> above = new TreeSet<>(); // held seqs above synced, not joined to it yet
    private int synced;

    /** A message of the conversation reached the device (ack, live frame or page). */
    synchronized void add(int seq) {
        if (seq > synced) {
            above.add(seq);
            extend();
        }
    }

    /** An {@code after=} page ended at {@code newest}: the server has nothing else up to there, unused seqs included. */
    synchronized void pagedTo(int newest) {
        if (newest > synced) {
            synced = newest;
            extend();
        }
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
