package chitchat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The catch-up cursor rule a {@link Device} shares with the browser (store.js settleGaps), without a server. */
class HeldSeqsTest {

    @Test
    void heldSeqsJoinTheCursorOnlyWithoutAGap() {
        HeldSeqs seqs = new HeldSeqs();
        seqs.add(1);
        seqs.add(2);
        seqs.add(4); // an ack of one's own, 3 missed live
        assertEquals(2, seqs.synced());
        seqs.add(3);
        assertEquals(4, seqs.synced());
    }

    @Test
    void aPageThatOvertookAWriteLeavesTheCursorBelowTheMissingSeqUntilItComes() {
        HeldSeqs seqs = new HeldSeqs();
        seqs.add(1);
        seqs.add(3); // the page held 3; 2 is still being written
        seqs.pagedTo(3, 0);
        assertEquals(1, seqs.synced());
        assertTrue(seqs.hasGap());
        seqs.add(2); // the re-check's page brings it
        seqs.pagedTo(3, 3_000);
        assertEquals(3, seqs.synced());
        assertFalse(seqs.hasGap());
    }

    @Test
    void aSeqMissingForTheSettleTimeWasNeverUsed() {
        HeldSeqs seqs = new HeldSeqs();
        seqs.add(1);
        seqs.add(3);
        seqs.pagedTo(3, 0);
        seqs.pagedTo(3, HeldSeqs.SETTLE_MILLIS - 1);
        assertEquals(1, seqs.synced(), "not yet: it may still be written");
        seqs.add(5);
        seqs.pagedTo(5, HeldSeqs.SETTLE_MILLIS); // 2 settled; 4, first seen missing only now, is not
        assertEquals(3, seqs.synced());
        assertTrue(seqs.hasGap());
        seqs.pagedTo(5, 2 * HeldSeqs.SETTLE_MILLIS);
        assertEquals(5, seqs.synced());
        assertFalse(seqs.hasGap());
    }
}
