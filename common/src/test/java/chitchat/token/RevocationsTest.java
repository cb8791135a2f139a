package chitchat.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.config.Env;
import chitchat.store.EmbeddedMongo;
import chitchat.store.DatabaseConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shared revocation list, as two processes sharing a store see it: what one revokes the other refuses within
 * its poll interval (and tells its listeners), "log out everywhere" cuts off earlier tokens only, a writer whose
 * clock lags is still heard, and expired entries go.
 */
@Timeout(30)
class RevocationsTest {

    private static final Env FAST = new Env(Map.of("REVOCATION_POLL_MS", "100"));

    private EmbeddedMongo mongo;
    private DatabaseConnection store;
    private Revocations here;
    private Revocations there;
    private final Tokens plain = new Tokens(JwtSecret.of("a-test-secret-a-test-secret-a-test-secret"), Duration.ofHours(1));

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory();
        store = DatabaseConnection.connect(mongo.connectionString(), "revocations_test");
        here = Revocations.start(FAST, store.database());
        there = Revocations.start(FAST, store.database());
    }

    @AfterEach
    void stop() {
        here.close();
        there.close();
        store.close();
        mongo.close();
    }

    @Test
    void aLogoutHereIsRefusedThereWithinAPollAndItsListenersHear() {
        AtomicInteger heard = new AtomicInteger();
        there.onRevoked(heard::incrementAndGet);
        Tokens.Session ended = plain.verify(plain.issue("alice")).orElseThrow();
        Tokens.Session other = plain.verify(plain.issue("alice")).orElseThrow();
        here.revoke(ended);
        assertTrue(here.revoked(ended), "at once where it was revoked");
        awaitTrue(() -> there.revoked(ended), "seen by the other process");
        awaitTrue(() -> heard.get() > 0, "the other process's listener ran");
        assertFalse(there.revoked(other), "only that session");
        assertTrue(plain.checking(there).verify(plain.issue("bob")).isPresent());
    }

    @Test
    void logoutEverywhereCutsOffEarlierTokensOnly() throws InterruptedException {
        Tokens tokens = plain.checking(there);
        String before = tokens.issue("carol");
        Thread.sleep(5);
        here.revokeAll("carol", Duration.ofHours(1));
        String after = tokens.issue("carol");
        awaitTrue(() -> tokens.verify(before).isEmpty(), "an earlier token refused");
        assertTrue(tokens.verify(after).isPresent(), "a login after the cut-off, even in the same second, is a new session");
        assertTrue(tokens.verify(tokens.issue("dave")).isPresent(), "other users are not affected");
    }

    @Test
    void anEntryFromAWriterWhoseClockLagsIsStillSeen() {
        Tokens.Session session = plain.verify(plain.issue("erin")).orElseThrow();
        Instant lagging = Instant.now().minusSeconds(5);
        store.database().getCollection("revocations").insertOne(new Document("_id", new ObjectId(Date.from(lagging)))
                .append("session", session.id()).append("expiresAt", Date.from(session.expiresAt())));
        awaitTrue(() -> there.revoked(session), "an ObjectId 5 s in the past");
    }

    @Test
    void expiredEntriesArePrunedFromMemoryAndStore() {
        var collection = store.database().getCollection("revocations");
        collection.insertOne(new Document("_id", new ObjectId()).append("session", "gone")
                .append("expiresAt", Date.from(Instant.now().minusSeconds(1))));
        Tokens.Session live = plain.verify(plain.issue("frank")).orElseThrow();
        here.revoke(live);
        here.prune();
        assertEquals(1, collection.countDocuments(), "only the live entry is left");
        assertTrue(here.revoked(live));
        assertEquals(1, here.size());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 5 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
