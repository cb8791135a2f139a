package chitchat.chat;

import static chitchat.chat.testing.Api.enc;
import static chitchat.chat.testing.Api.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.testing.Api;
import chitchat.chat.testing.ChatCluster;
import chitchat.testbed.WsClient;
import chitchat.users.Deletions;
import chitchat.users.UserStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.mongodb.client.model.Filters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deleting an account, the chat-server's half: two instances poll the {@code deletions} collection, written here
 * the way the auth-server writes it (through the shared {@link Deletions} and {@link UserStore}), and exactly one
 * takes the deleted user out of each of their groups, with the usual {@code left} system message that the other
 * members receive live. Their direct conversation stays, with its history, and takes no new message.
 */
@Timeout(120)
class DeletedAccountsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static ChatCluster cluster;
    private static Api api;

    @BeforeAll
    static void start() {
        cluster = new ChatCluster(2, Map.of("DELETION_POLL_MS", "100"));
        cluster.createUsers("alice", "bob", "carol");
        api = new Api(cluster);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Predicate<JsonObject> leftIn(String id) {
        return f -> "chat msg".equals(f.get("type").getAsString()) && id.equals(f.get("conversation").getAsString())
                && f.has("system") && "left".equals(f.getAsJsonObject("system").get("action").getAsString());
    }

    @Test
    void theDeletedUserLeavesEveryGroupOnceAndTheirDirectChatTurnsReadOnly() {
        String trip = api.group("carol", "Trip", "alice", "bob");
        String book = api.group("alice", "Book club", "carol");
        WsClient bob = cluster.connect(1, "bob");
        WsClient alice = cluster.connect(0, "alice");
        try {
            ok(api.call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "carol")));
            alice.say("alice|carol", "see you", "dm-1");
            assertEquals("ack", alice.next("ack", WAIT).get("type").getAsString());

            Instant now = Instant.now(); // what POST /api/auth/delete-account writes, in its order
            new Deletions(cluster.store().database()).record("carol", now);
            assertTrue(new UserStore(cluster.store().database()).tombstone("carol", now));

            JsonObject left = bob.next(leftIn(trip), WAIT);
            assertEquals("carol left", left.get("message").getAsString());
            assertEquals("carol", left.get("sender").getAsString());
            alice.next(leftIn(book), WAIT);
            // carol was Trip's only admin: the member who joined first takes over, as when anyone leaves.
            JsonObject tripNow = ok(api.call(0, "GET", "/api/conversations/" + enc(trip), "bob", null));
            List<String> members = new ArrayList<>();
            for (JsonElement m : tripNow.getAsJsonArray("members")) {
                members.add(m.getAsJsonObject().get("username").getAsString());
            }
            assertEquals(List.of("alice", "bob"), members);

            // Two instances polled it; one did the work, once.
            assertTrue(bob.collect(Duration.ofMillis(1500), leftIn(trip)).isEmpty(), "one system message, not one per instance");
            assertEquals(1, cluster.store().database().getCollection("messages")
                    .countDocuments(Filters.and(Filters.eq("conv", trip), Filters.eq("system.action", "left"))));
            Document work = cluster.store().database().getCollection("deletions").find(Filters.eq("_id", "carol")).first();
            assertTrue(work.getBoolean("done"), work.toJson());
            assertFalse(new Deletions(cluster.store().database()).claim("carol", Instant.now(), Duration.ofMinutes(1)),
                    "a finished deletion is never claimed again");

            // The direct conversation keeps its history and takes nothing new, on either instance.
            for (int instance = 0; instance < 2; instance++) {
                WsClient writer = cluster.connect(instance, "alice");
                try {
                    writer.say("alice|carol", "are you there?", "dm-after-" + instance);
                    JsonObject refused = writer.next("error", WAIT);
                    assertEquals("unknown_receiver", refused.get("error").getAsString());
                } finally {
                    writer.close();
                }
            }
            JsonObject page = ok(api.call(1, "GET", "/api/conversations/" + enc("alice|carol") + "/messages", "alice", null));
            assertEquals(1, page.getAsJsonArray("msgs").size());
            assertEquals(404, api.call(0, "POST", "/api/conversations", "bob", Map.of("kind", "direct", "with", "carol")).statusCode());
            assertFalse(api.call(1, "POST", "/api/conversations", "bob", Map.of("kind", "group", "name", "x", "members", List.of("carol")))
                    .statusCode() < 300, "nobody can add a deleted user");
        } finally {
            bob.close();
            alice.close();
        }
    }
}
