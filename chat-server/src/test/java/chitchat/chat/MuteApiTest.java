package chitchat.chat;

import static chitchat.chat.testing.Api.assertError;
import static chitchat.chat.testing.Api.enc;
import static chitchat.chat.testing.Api.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.testing.Api;
import chitchat.chat.testing.ChatCluster;
import chitchat.testbed.WsClient;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code PUT /api/conversations/{id}/mute}: a member's own setting, stored on their membership, on two
 * chat-server instances sharing one store and one real Redis (set on one, read on the other). Set and unset, in
 * the list and in one conversation; only the caller's own membership changes; a non-member is answered exactly
 * as for a conversation that does not exist and changes nothing; a body that is not a boolean is a 400; a foreign
 * Origin is refused like every other mutating route; and the caller's other connections hear a {@code mute} frame.
 */
@Timeout(120)
class MuteApiTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static ChatCluster cluster;
    private static Api api;

    @BeforeAll
    static void start() {
        cluster = new ChatCluster(2, Map.of());
        cluster.createUsers("alice", "bob", "carol", "mallory");
        api = new Api(cluster);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aMemberMutesAndUnmutesOnlyTheirOwnMembership() {
        String group = api.group("alice", "Trip", "bob", "carol");
        String path = "/api/conversations/" + enc(group) + "/mute";
        assertFalse(listed(1, "alice", group).get("muted").getAsBoolean(), "not muted until asked");
        assertFalse(shown(1, "alice", group).get("muted").getAsBoolean());

        JsonObject answer = ok(api.call(0, "PUT", path, "alice", Map.of("muted", true)));
        assertTrue(answer.get("muted").getAsBoolean(), "the answer is the conversation, as the caller now sees it");
        assertEquals(group, answer.get("id").getAsString());
        assertTrue(listed(1, "alice", group).get("muted").getAsBoolean(), "stored: the other instance lists it muted");
        assertTrue(shown(1, "alice", group).get("muted").getAsBoolean());
        ok(api.call(1, "PUT", path, "alice", Map.of("muted", true)));
        assertTrue(listed(0, "alice", group).get("muted").getAsBoolean(), "idempotent");
        for (String other : List.of("bob", "carol")) {
            assertFalse(listed(0, other, group).get("muted").getAsBoolean(), other + "'s membership is untouched");
            assertFalse(shown(1, other, group).get("muted").getAsBoolean());
        }
        for (JsonElement member : shown(0, "bob", group).getAsJsonArray("members")) {
            assertFalse(member.getAsJsonObject().has("muted"), "whether someone else muted a conversation is not told");
        }

        assertFalse(ok(api.call(1, "PUT", path, "alice", Map.of("muted", false))).get("muted").getAsBoolean());
        assertFalse(listed(0, "alice", group).get("muted").getAsBoolean(), "unmuted");
        assertFalse(shown(0, "alice", group).get("muted").getAsBoolean());

        // A direct conversation has memberships too: each side mutes for themself.
        String direct = ok(api.call(0, "POST", "/api/conversations", "bob", Map.of("kind", "direct", "with", "carol")))
                .get("id").getAsString();
        ok(api.call(0, "PUT", "/api/conversations/" + enc(direct) + "/mute", "bob", Map.of("muted", true)));
        assertTrue(shown(1, "bob", direct).get("muted").getAsBoolean());
        assertFalse(shown(1, "carol", direct).get("muted").getAsBoolean());
    }

    @Test
    void aNonMemberGetsNotFoundAndChangesNothing() {
        String group = api.group("alice", "Secret", "bob");
        String path = "/api/conversations/" + enc(group) + "/mute";
        HttpResponse<String> outsider = api.call(1, "PUT", path, "mallory", Map.of("muted", true));
        HttpResponse<String> nowhere = api.call(1, "PUT", "/api/conversations/" + enc("g:000000000000000000000000") + "/mute",
                "mallory", Map.of("muted", true));
        assertError(404, "not_found", outsider);
        assertError(404, "not_found", nowhere);
        assertEquals(nowhere.body(), outsider.body(), "the same answer as for a conversation that does not exist");
        assertError(404, "not_found", api.call(1, "PUT", path, "mallory", Map.of("muted", "yes")),
                "a non-member's bad body is still not_found: nothing is told");
        for (String member : List.of("alice", "bob")) {
            assertFalse(listed(0, member, group).get("muted").getAsBoolean(), member + " unaffected");
        }
        assertTrue(ok(api.call(0, "GET", "/api/conversations", "mallory", null)).getAsJsonArray("conversations").asList().stream()
                .noneMatch(c -> c.getAsJsonObject().get("id").getAsString().equals(group)), "no membership was made for mallory");

        // A member who left is a non-member too.
        ok(api.call(0, "DELETE", "/api/conversations/" + enc(group) + "/members/bob", "bob", null));
        assertError(404, "not_found", api.call(0, "PUT", path, "bob", Map.of("muted", true)));
        assertError(401, null, cluster.request(0, "PUT", path, null, Map.of("muted", true)));
    }

    @Test
    void aBodyThatIsNotABooleanIsABadRequest() {
        String group = api.group("alice", "Bodies", "bob");
        String path = "/api/conversations/" + enc(group) + "/mute";
        Map<String, Object> nullMuted = new HashMap<>();
        nullMuted.put("muted", null);
        for (Object body : List.<Object>of(Map.of("muted", "true"), Map.of("muted", 1), Map.of("muted", List.of(true)),
                Map.of("muted", Map.of()), Map.of("mute", true), Map.of(), nullMuted)) {
            assertError(400, "invalid_input", api.call(0, "PUT", path, "alice", body), "body " + body);
        }
        assertError(400, "invalid_input", api.call(0, "PUT", path, "alice", List.of(true)), "not an object");
        assertFalse(listed(1, "alice", group).get("muted").getAsBoolean(), "nothing changed");
        assertError(405, "method_not_allowed", api.call(0, "POST", path, "alice", Map.of("muted", true)));
    }

    @Test
    void aForeignOriginIsRefusedLikeEveryMutatingRoute() throws Exception {
        String group = api.group("alice", "Origins", "bob");
        String path = "/api/conversations/" + enc(group) + "/mute";
        HttpResponse<String> foreign = withOrigin(path, "alice", "https://evil.example");
        assertError(403, "forbidden_origin", foreign);
        assertFalse(listed(1, "alice", group).get("muted").getAsBoolean(), "nothing changed");
    }

    @Test
    void theCallersOtherConnectionsHearItAndNobodyElseDoes() {
        String group = api.group("alice", "Devices", "bob");
        WsClient alicePhone = cluster.connect(1, "alice");
        WsClient bob = cluster.connect(1, "bob");
        try {
            ok(api.call(0, "PUT", "/api/conversations/" + enc(group) + "/mute", "alice", Map.of("muted", true)));
            JsonObject frame = alicePhone.next("mute", WAIT);
            assertEquals(group, frame.get("conversation").getAsString());
            assertTrue(frame.get("muted").getAsBoolean());
            assertTrue(bob.collect(Duration.ofMillis(700), f -> "mute".equals(f.get("type").getAsString())).isEmpty(),
                    "another member is not told");
        } finally {
            alicePhone.close();
            bob.close();
        }
    }

    // --- helpers ---

    /** The caller's Summary of {@code id} in {@code GET /api/conversations}. */
    private static JsonObject listed(int instance, String user, String id) {
        return ok(api.call(instance, "GET", "/api/conversations", user, null)).getAsJsonArray("conversations").asList().stream()
                .map(JsonElement::getAsJsonObject).filter(c -> c.get("id").getAsString().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(user + " does not list " + id));
    }

    private static JsonObject shown(int instance, String user, String id) {
        return ok(api.call(instance, "GET", "/api/conversations/" + enc(id), user, null));
    }

    /** A mute request as a browser on another site would send it: with the session and that site's Origin. */
    private static HttpResponse<String> withOrigin(String path, String user, String origin) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.instance(0).httpPort() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + cluster.token(user))
                .header("Content-Type", "application/json")
                .header("Origin", origin)
                .PUT(HttpRequest.BodyPublishers.ofString("{\"muted\":true}"))
                .build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
