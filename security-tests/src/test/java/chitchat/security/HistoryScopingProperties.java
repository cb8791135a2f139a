package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.json.Json;
import chitchat.testbed.WsClient;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * History is scoped to the caller: carol, who is in no conversation with alice and bob together, cannot read a word
 * of alice|bob by any combination of {@code with}, {@code after}, {@code before}, {@code limit} or other parameters,
 * however repeated, encoded or cased; every message she does get has her as sender or receiver.
 */
class HistoryScopingProperties {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String MARKER = "between-alice-and-bob-" + UUID.randomUUID();
    private static TestSite site;
    private static String aliceToken;
    private static String carolToken;
    /** Ids of the alice|bob messages: carol must see none of them. */
    private static final List<String> privateIds = new ArrayList<>();
    /** Ids of carol's own messages, for the after= and before= cursors. */
    private static final List<String> carolIds = new ArrayList<>();

    @BeforeContainer
    static void start() {
        site = TestSite.start(TestSite.NO_HISTORY_LIMITS);
        aliceToken = site.signup("alice", "alice-password");
        String bobToken = site.signup("bob", "bob-password");
        carolToken = site.signup("carol", "carol-password");
        WsClient alice = site.browserSocket(aliceToken);
        WsClient bob = site.browserSocket(bobToken);
        WsClient carol = site.browserSocket(carolToken);
        for (int i = 0; i < 3; i++) {
            privateIds.add(send(alice, "bob", MARKER + " a" + i));
            privateIds.add(send(bob, "alice", MARKER + " b" + i));
        }
        carolIds.add(send(carol, "alice", "carol to alice"));
        carolIds.add(send(alice, "carol", "alice to carol"));
        carolIds.add(send(carol, "bob", "carol to bob"));
        privateIds.add(send(alice, "bob", MARKER + " last"));
        alice.close();
        bob.close();
        carol.close();
    }

    @AfterContainer
    static void stop() {
        if (site != null) {
            site.close();
        }
    }

    private static String send(WsClient from, String to, String text) {
        String clientMsgId = UUID.randomUUID().toString();
        from.chat(to, text, clientMsgId);
        JsonObject ack = from.next("ack", WAIT);
        assertEquals(clientMsgId, ack.get("clientMsgId").getAsString());
        return ack.get("id").getAsString();
    }

    @Example
    void aliceAndBobThemselvesDoSeeTheirConversation() {
        HttpResponse<String> response = site.get("/api/messages?with=bob", "Cookie", "token=" + aliceToken);
        assertEquals(200, response.statusCode());
        for (String id : privateIds) {
            assertTrue(response.body().contains(id), "the control: alice sees " + id);
        }
    }

    @Property(tries = 300)
    void carolNeverReadsAliceAndBob(@ForAll("queries") String query, @ForAll("credentials") String[] credentials) {
        HttpResponse<String> response = site.get("/api/messages" + query, credentials);
        String what = "carol: /api/messages" + query;
        assertFalse(response.body().contains(MARKER), what + " read alice|bob: " + Leaks.abbreviate(response.body()));
        if (response.statusCode() != 200) {
            Leaks.assertErrorShape(what, response, 400);
            return;
        }
        JsonObject body = Json.parseObject(response.body());
        for (JsonElement element : body.getAsJsonArray("msgs")) {
            JsonObject message = element.getAsJsonObject();
            assertFalse(privateIds.contains(message.get("id").getAsString()), what + " returned alice|bob's " + message);
            assertTrue(message.get("sender").getAsString().equals("carol") || message.get("receiver").getAsString().equals("carol"),
                    what + " returned someone else's message " + message);
        }
        if (body.has("users")) {
            assertEquals("carol", body.getAsJsonArray("users").get(0).getAsString(), what);
        }
    }

    @Provide
    Arbitrary<String[]> credentials() {
        return Arbitraries.of(
                new String[] {"Cookie", "token=" + carolToken},
                new String[] {"Authorization", "Bearer " + carolToken},
                // Her own cookie first, then a forged one for alice: the cookie is what counts.
                new String[] {"Cookie", "token=" + carolToken + "; token=" + ForgedTokens.algNone("alice")},
                new String[] {"Cookie", "token=" + carolToken, "Authorization", "Bearer " + ForgedTokens.otherKey("alice")});
    }

    @Provide
    Arbitrary<String> queries() {
        Arbitrary<String> keys = Arbitraries.of("with", "with", "with", "after", "after", "before", "before", "limit",
                "WITH", "With", "with[]", "with[0]", "users", "user", "conv", "sender", "receiver", "as", "sub", "id", "_id");
        List<String> cursors = new ArrayList<>(privateIds);
        cursors.addAll(carolIds);
        cursors.addAll(List.of("000000000000000000000000", "ffffffffffffffffffffffff", ""));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("alice", "bob", "ALICE", "Bob", "alice|bob", "bob|alice", "alice,bob", "alice bob", "carol",
                        "carol|alice", "alice|carol", "alice\u0000", "\u212aarol", "{\"$ne\":null}", "[\"alice\",\"bob\"]",
                        "*", ".*", "", "1", "200", "0", "-1"),
                Arbitraries.of(cursors));
        Arbitrary<String> pair = Combinators.combine(keys, values)
                .as((key, value) -> URLEncoder.encode(key, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        return pair.list().ofMinSize(1).ofMaxSize(5).map(pairs -> "?" + String.join("&", pairs));
    }
}
