package chitchat.chat.conversations;

import static org.junit.jupiter.api.Assertions.assertEquals;

import chitchat.chat.messages.Numbering;
import chitchat.store.EmbeddedMongo;
import chitchat.store.DatabaseConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers reserved at the same moment by many "instances" (each its own client and {@link ConversationStore}, as
 * separate processes would be) never overlap, whether the conversation exists or is being created by the first
 * of them. Run on the embedded store's durable backend, where answering {@code returnDocument(AFTER)} is not
 * atomic (two increments can both be told the same value), which is why the store only ever reads {@code BEFORE}.
 */
@Timeout(60)
class NumberingRaceTest {

    @TempDir
    Path dataDir;

    @Test
    void concurrentReservationsNeverShareANumber() throws Exception {
        System.out.println("[test-store] NumberingRaceTest runs against the embedded store's durable (H2) backend");
        try (EmbeddedMongo embedded = EmbeddedMongo.persistent(dataDir, 0)) {
            int instances = 4;
            int perInstance = 5;
            List<DatabaseConnection> stores = new ArrayList<>();
            List<Numbering> numberings = new ArrayList<>();
            for (int i = 0; i < instances; i++) {
                DatabaseConnection store = DatabaseConnection.connect(embedded.connectionString(), "chitchat");
                stores.add(store);
                numberings.add(new ConversationStore(store.database(), new Memberships(store.database())));
            }
            ExecutorService pool = Executors.newFixedThreadPool(instances);
            try {
                // Fresh conversations, so that the first reservation of every instance is the one that may create it.
                for (int round = 0; round < 30; round++) {
                    String conversation = "user" + round + "|zed" + round;
                    Set<Long> seen = ConcurrentHashMap.newKeySet();
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<Integer>> duplicates = new ArrayList<>();
                    for (Numbering numbering : numberings) {
                        duplicates.add(pool.submit(() -> {
                            go.await();
                            int dup = 0;
                            for (int n = 0; n < perInstance; n++) {
                                // Each instance believes the conversation may not exist yet, as a v1 sender's would.
                                Numbering.Reserved reserved = numbering.reserve(conversation, 2, "zed").orElseThrow();
                                dup += seen.add(reserved.first()) ? 0 : 1;
                                dup += seen.add(reserved.first() + 1) ? 0 : 1;
                            }
                            return dup;
                        }));
                    }
                    go.countDown();
                    int total = 0;
                    for (Future<Integer> f : duplicates) {
                        total += f.get();
                    }
                    assertEquals(0, total, conversation + ": numbers given out twice");
                    assertEquals(instances * perInstance * 2, seen.size(), conversation);
                }
            } finally {
                pool.shutdownNow();
                stores.forEach(DatabaseConnection::close);
            }
        }
    }
}
