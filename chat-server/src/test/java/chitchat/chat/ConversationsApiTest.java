package chitchat.chat;

import static chitchat.chat.testing.Api.assertError;
import static chitchat.chat.testing.Api.enc;
import static chitchat.chat.testing.Api.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.chat.testing.Api;
import chitchat.chat.testing.ChatCluster;
import chitchat.json.Json;
import chitchat.testbed.WsClient;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract's HTTP API for conversations, row by row, success and failure, on two chat-server instances sharing
 * one store and one real Redis: each request goes to one instance and its effect is read on the other.
 */
@Timeout(120)
class ConversationsApiTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static ChatCluster cluster;
    private static Api api;

    @BeforeAll
    static void start() {
        cluster = new ChatCluster(2, Map.of("MAX_GROUP_MEMBERS", "4"));
        cluster.createUsers("alice", "bob", "carol", "dave", "erin", "frank", "mallory");
        api = new Api(cluster);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aDirectConversationIsCreatedOnDemandWithOneIdForBothSides() {
        JsonObject fromAlice = ok(call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "Bob")));
        JsonObject fromBob = ok(call(1, "POST", "/api/conversations", "bob", Map.of("kind", "direct", "with", "alice")));
        assertEquals("alice|bob", fromAlice.get("id").getAsString());
        assertEquals(fromAlice.get("id"), fromBob.get("id"), "one id for both sides");
        assertEquals("direct", fromAlice.get("kind").getAsString());
        assertEquals("bob", fromAlice.get("name").getAsString(), "a direct conversation is named after the other person");
        assertEquals("alice", fromBob.get("name").getAsString());
        assertEquals(List.of("member", "member"), roles(fromAlice));
        assertEquals(200, call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "bob")).statusCode(), "idempotent");

        assertError(400, null, call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "alice")));
        assertError(404, "not_found", call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "nobody")));
        assertError(400, null, call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "not a name!")));
        assertError(400, null, call(0, "POST", "/api/conversations", "alice", Map.of("kind", "channel")));
        assertError(401, null, cluster.request(0, "POST", "/api/conversations", null, Map.of("kind", "direct", "with", "bob")));
    }

    @Test
    void aGroupIsCreatedWithItsCreatorAsAdminAndACreatedSystemMessage() {
        WsClient carol = cluster.connect(1, "carol");
        try {
            HttpResponse<String> created = call(0, "POST", "/api/conversations", "alice",
                    Map.of("kind", "group", "name", "  Trip  ", "members", List.of("bob", "Carol", "bob")));
            assertEquals(201, created.statusCode(), created.body());
            JsonObject group = Json.parseObject(created.body());
            String id = group.get("id").getAsString();
            assertTrue(id.matches("g:[0-9a-f]{24}"), id);
            assertEquals("group", group.get("kind").getAsString());
            assertEquals("Trip", group.get("name").getAsString(), "the name is trimmed");
            assertEquals("alice", group.get("createdBy").getAsString());
            assertEquals(List.of("alice", "bob", "carol"), usernames(group));
            assertEquals(List.of("admin", "member", "member"), roles(group));
            assertEquals(1, group.get("lastSeq").getAsLong());

            JsonObject notice = carol.next(f -> f.get("type").getAsString().equals("chat msg") && id.equals(f.get("conversation").getAsString()), WAIT);
            assertEquals(1, notice.get("seq").getAsLong());
            assertEquals("created", notice.getAsJsonObject("system").get("action").getAsString());
            assertEquals("alice", notice.get("sender").getAsString());
            assertFalse(notice.has("receiver"), "a group message has no receiver");

            JsonObject page = ok(call(1, "GET", "/api/conversations/" + enc(id) + "/messages", "bob", null));
            assertEquals(1, page.getAsJsonArray("msgs").size());
            assertEquals("alice created the group \"Trip\"", page.getAsJsonArray("msgs").get(0).getAsJsonObject().get("message").getAsString());
        } finally {
            carol.close();
        }
    }

    @Test
    void aGroupThatCannotBeMadeIsRefusedSayingWhy() {
        HttpResponse<String> unknown = call(0, "POST", "/api/conversations", "alice", Map.of("kind", "group", "name", "X", "members", List.of("bob", "ghost")));
        assertError(400, null, unknown);
        assertTrue(Json.parseObject(unknown.body()).get("message").getAsString().contains("ghost"), "names the unknown user: " + unknown.body());
        assertError(400, "invalid_name", call(0, "POST", "/api/conversations", "alice", Map.of("kind", "group", "name", "   ", "members", List.of("bob"))));
        assertError(400, "invalid_name", call(0, "POST", "/api/conversations", "alice", Map.of("kind", "group", "name", "x".repeat(65), "members", List.of("bob"))));
        assertError(400, null, call(0, "POST", "/api/conversations", "alice", Map.of("kind", "group", "name", "Alone", "members", List.of())));
        assertError(400, null, call(0, "POST", "/api/conversations", "alice", Map.of("kind", "group", "name", "Alone", "members", List.of("alice"))));
        assertError(400, "group_full", call(0, "POST", "/api/conversations", "alice",
                Map.of("kind", "group", "name", "Big", "members", List.of("bob", "carol", "dave", "erin"))));
        assertError(400, null, call(0, "POST", "/api/conversations", "alice", Map.of("kind", "group", "name", "X", "members", "bob")));
    }

    @Test
    void adminsChangeTheGroupAndMembersCannot() {
        String id = group("alice", "Plans", "bob", "carol");
        String path = "/api/conversations/" + enc(id);

        JsonObject renamed = ok(call(1, "PATCH", path, "alice", Map.of("name", "New plans")));
        assertEquals("New plans", renamed.get("name").getAsString());
        assertError(403, "not_admin", call(0, "PATCH", path, "bob", Map.of("name", "Mine now")));
        assertError(400, "invalid_name", call(0, "PATCH", path, "alice", Map.of("name", "")));
        assertError(404, "not_found", call(0, "PATCH", path, "mallory", Map.of("name", "Hacked")));

        assertError(404, null, call(0, "POST", path + "/members", "alice", Map.of("username", "ghost")));
        assertError(400, null, call(0, "POST", path + "/members", "alice", Map.of("username", 7)));
        JsonObject added = ok(call(0, "POST", path + "/members", "alice", Map.of("username", "dave")));
        assertEquals(List.of("alice", "bob", "carol", "dave"), usernames(added));
        assertError(409, null, call(0, "POST", path + "/members", "alice", Map.of("username", "dave")));
        assertError(400, "group_full", call(0, "POST", path + "/members", "alice", Map.of("username", "erin")));
        assertError(403, "not_admin", call(1, "POST", path + "/members", "bob", Map.of("username", "erin")));

        JsonObject promoted = ok(call(1, "PATCH", path + "/members/bob", "alice", Map.of("role", "admin")));
        assertEquals(List.of("admin", "admin", "member", "member"), roles(promoted));
        JsonObject demoted = ok(call(0, "PATCH", path + "/members/bob", "alice", Map.of("role", "member")));
        assertEquals(List.of("admin", "member", "member", "member"), roles(demoted));
        assertError(403, "not_admin", call(0, "PATCH", path + "/members/carol", "bob", Map.of("role", "admin")));
        assertError(400, null, call(0, "PATCH", path + "/members/carol", "alice", Map.of("role", "owner")));
        assertError(404, null, call(0, "PATCH", path + "/members/erin", "alice", Map.of("role", "admin")));

        assertError(403, "not_admin", call(0, "DELETE", path + "/members/carol", "bob", null));
        JsonObject removed = ok(call(1, "DELETE", path + "/members/carol", "alice", null));
        assertEquals(List.of("alice", "bob", "dave"), usernames(removed));
        assertError(404, "not_found", call(0, "GET", path, "carol", null), "a removed member no longer sees the group");

        List<String> actions = new ArrayList<>();
        for (JsonElement m : ok(call(0, "GET", path + "/messages", "bob", null)).getAsJsonArray("msgs")) {
            actions.add(m.getAsJsonObject().getAsJsonObject("system").get("action").getAsString());
        }
        assertEquals(List.of("created", "renamed", "added", "promoted", "demoted", "removed"), actions);

        String direct = ok(call(0, "POST", "/api/conversations", "alice", Map.of("kind", "direct", "with", "erin"))).get("id").getAsString();
        assertError(400, null, call(0, "PATCH", "/api/conversations/" + enc(direct), "alice", Map.of("name", "Renamed")));
        assertError(400, null, call(0, "POST", "/api/conversations/" + enc(direct) + "/members", "alice", Map.of("username", "bob")));
    }

    @Test
    void theLastAdminLeavingMakesTheLongestStandingMemberAdmin() {
        String id = group("alice", "Farewell", "bob", "carol");
        String path = "/api/conversations/" + enc(id);
        HttpResponse<String> left = call(0, "DELETE", path + "/members/alice", "alice", null);
        assertEquals(200, left.statusCode(), left.body());
        assertEquals("{}", left.body().strip(), "nothing of the group for the one who left");
        JsonObject group = ok(call(1, "GET", path, "bob", null));
        assertEquals(List.of("bob", "carol"), usernames(group));
        assertEquals(List.of("admin", "member"), roles(group));
        assertEquals(3, group.get("unread").getAsLong(), "being promoted reads nothing: created, left and promoted are unread");
        JsonArray msgs = ok(call(1, "GET", path + "/messages", "carol", null)).getAsJsonArray("msgs");
        JsonObject last = msgs.get(msgs.size() - 1).getAsJsonObject();
        assertEquals("promoted", last.getAsJsonObject("system").get("action").getAsString());
        assertEquals("bob", last.getAsJsonObject("system").get("target").getAsString());
        assertEquals("alice", last.getAsJsonObject("system").get("actor").getAsString(), "the leaving made it");
        JsonObject leftNotice = msgs.get(msgs.size() - 2).getAsJsonObject();
        assertEquals("left", leftNotice.getAsJsonObject("system").get("action").getAsString());
        assertError(404, "not_found", call(0, "GET", path + "/messages", "alice", null));
        assertError(400, "last_admin", call(0, "PATCH", path + "/members/bob", "bob", Map.of("role", "member")));
    }

    @Test
    void aNonMemberFindsNothingEverywhere() {
        String id = group("alice", "Secret", "bob");
        String path = "/api/conversations/" + enc(id);
        assertError(404, "not_found", call(0, "GET", path, "mallory", null));
        assertError(404, "not_found", call(1, "GET", path + "/messages", "mallory", null));
        assertError(404, "not_found", call(1, "GET", path + "/messages?after=0", "mallory", null));
        assertError(404, "not_found", call(0, "PATCH", path, "mallory", Map.of("name", "Mine")));
        assertError(404, "not_found", call(0, "POST", path + "/members", "mallory", Map.of("username", "mallory")));
        assertError(404, "not_found", call(0, "DELETE", path + "/members/bob", "mallory", null));
        assertError(404, "not_found", call(0, "DELETE", path + "/members/mallory", "mallory", null));
        assertError(404, "not_found", call(0, "PATCH", path + "/members/mallory", "mallory", Map.of("role", "admin")));
        assertError(404, "not_found", call(0, "GET", "/api/conversations/" + enc("alice|bob"), "mallory", null), "nor someone else's direct chat");
        assertError(404, "not_found", call(0, "GET", "/api/conversations/" + enc("g:ffffffffffffffffffffffff"), "alice", null));
        assertError(404, "not_found", call(0, "GET", "/api/conversations/nothing%2Fhere", "alice", null));
        boolean listed = ok(call(0, "GET", "/api/conversations", "mallory", null)).getAsJsonArray("conversations").asList().stream()
                .anyMatch(c -> c.getAsJsonObject().get("id").getAsString().equals(id));
        assertFalse(listed, "not in a non-member's list");
    }

    @Test
    void historyPagesBySeqInBothDirections() {
        String id = group("dave", "Pages", "erin");
        WsClient dave = cluster.connect(0, "dave");
        try {
            for (int i = 1; i <= 7; i++) {
                dave.say(id, "m" + i, "pages-" + i);
                assertEquals(i + 1, dave.next("ack", WAIT).get("seq").getAsLong(), "seq 1 is the created message");
            }
        } finally {
            dave.close();
        }
        String path = "/api/conversations/" + enc(id) + "/messages";
        assertEquals(List.of(6L, 7L, 8L), seqs(ok(call(1, "GET", path + "?limit=3", "erin", null))));
        assertEquals(List.of(3L, 4L, 5L), seqs(ok(call(1, "GET", path + "?limit=3&before=6", "erin", null))));
        assertEquals(List.of(4L, 5L), seqs(ok(call(1, "GET", path + "?limit=2&after=3", "erin", null))));
        assertEquals(List.of(7L, 8L), seqs(ok(call(1, "GET", path + "?after=6", "erin", null))), "a short page: nothing newer left");
        assertEquals(List.of(), seqs(ok(call(1, "GET", path + "?after=8", "erin", null))));
        assertEquals(id, ok(call(1, "GET", path, "erin", null)).get("conversation").getAsString());
        for (String bad : List.of("?limit=0", "?limit=201", "?before=x", "?after=-1", "?before=3&after=1", "?after=1.5")) {
            assertError(400, null, call(0, "GET", path + bad, "erin", null), bad);
        }
    }

    @Test
    void theListIsMostRecentFirstWithPreviewsAndUnreadCounts() {
        String older = ok(call(0, "POST", "/api/conversations", "frank", Map.of("kind", "direct", "with", "carol"))).get("id").getAsString();
        String newer = group("erin", "Recent", "frank");
        WsClient erin = cluster.connect(1, "erin");
        try {
            erin.say(newer, "first", "list-1");
            erin.next("ack", WAIT);
            erin.say(newer, "second", "list-2");
            erin.next("ack", WAIT);
        } finally {
            erin.close();
        }
        JsonArray list = ok(call(0, "GET", "/api/conversations", "frank", null)).getAsJsonArray("conversations");
        assertEquals(newer, list.get(0).getAsJsonObject().get("id").getAsString(), "most recent activity first");
        assertEquals(older, list.get(1).getAsJsonObject().get("id").getAsString());
        JsonObject summary = list.get(0).getAsJsonObject();
        assertEquals("Recent", summary.get("name").getAsString());
        assertEquals(3, summary.get("lastSeq").getAsLong());
        assertEquals(0, summary.get("readSeq").getAsLong());
        assertEquals(3, summary.get("unread").getAsLong());
        assertEquals("second", summary.getAsJsonObject("lastMessage").get("message").getAsString());
        assertTrue(summary.get("updatedAt").getAsString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
        JsonObject empty = list.get(1).getAsJsonObject();
        assertTrue(empty.has("lastMessage") && empty.get("lastMessage").isJsonNull(), "no message yet: lastMessage is null");
        assertEquals(0, empty.get("unread").getAsLong());

        JsonObject senders = ok(call(1, "GET", "/api/conversations", "erin", null)).getAsJsonArray("conversations").get(0).getAsJsonObject();
        assertEquals(3, senders.get("readSeq").getAsLong(), "sending marks read for the sender");
        assertEquals(0, senders.get("unread").getAsLong());
        assertEquals(1, ok(call(1, "GET", "/api/conversations?limit=1", "frank", null)).getAsJsonArray("conversations").size());
        assertError(400, null, call(1, "GET", "/api/conversations?limit=0", "frank", null));
        assertNotEquals(0, ok(call(1, "GET", "/api/conversations/" + enc(newer), "frank", null)).get("unread").getAsLong());
    }

    // --- helpers ---

    private static String group(String creator, String name, String... members) {
        return api.group(creator, name, members);
    }

    private static HttpResponse<String> call(int instance, String method, String path, String user, Object body) {
        return api.call(instance, method, path, user, body);
    }

    static List<String> usernames(JsonObject conversation) {
        return conversation.getAsJsonArray("members").asList().stream().map(m -> m.getAsJsonObject().get("username").getAsString()).toList();
    }

    static List<String> roles(JsonObject conversation) {
        return conversation.getAsJsonArray("members").asList().stream().map(m -> m.getAsJsonObject().get("role").getAsString()).toList();
    }

    static List<Long> seqs(JsonObject page) {
        return page.getAsJsonArray("msgs").asList().stream().map(m -> m.getAsJsonObject().get("seq").getAsLong()).toList();
    }
}
