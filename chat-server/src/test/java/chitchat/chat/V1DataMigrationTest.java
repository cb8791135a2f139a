package chitchat.chat;

import static chitchat.chat.testing.Api.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.config.Config;
import chitchat.config.Env;
import chitchat.json.Json;
import chitchat.store.DatabaseConnection;
import chitchat.testbed.WsClient;
import chitchat.token.JwtSecret;
import chitchat.token.Tokens;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by the v1 server ({@code src/test/resources/v1-data}, made by the v1 code itself, see
 * its README) opened by this one: every conversation is there, numbered in stored order, once; a second start
 * changes nothing; a migration cut off midway carries on where it stopped.
 */
@Timeout(120)
class V1DataMigrationTest {

    private static final String SECRET = "v1-migration-secret-v1-migration-secret-0123";
    private static final Tokens TOKENS = new Tokens(JwtSecret.of(SECRET), Duration.ofHours(1));
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;
    private ChatServer server;

    @BeforeEach
    void copyFixture() throws IOException {
        try (InputStream fixture = getClass().getResourceAsStream("/v1-data/chitchat-store.mv.db")) {
            Files.copy(fixture, dataDir.resolve("chitchat-store.mv.db"), StandardCopyOption.REPLACE_EXISTING);
        }
        System.out.println("[test-store] V1DataMigrationTest runs against the embedded store (the v1 fixture is its file)");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyV1ConversationOpensNumberedInStoredOrder() throws Exception {
        JsonObject expected = expected();
        start();
        for (Map.Entry<String, JsonElement> conversation : expected.getAsJsonObject("conversations").entrySet()) {
            String id = conversation.getKey();
            List<JsonElement> want = conversation.getValue().getAsJsonArray().asList();
            String member = id.substring(0, id.indexOf('|'));
            List<JsonObject> got = page(member, id);
            assertEquals(want.size(), got.size(), id);
            for (int i = 0; i < want.size(); i++) {
                JsonObject w = want.get(i).getAsJsonObject();
                JsonObject g = got.get(i);
                assertEquals(i + 1, g.get("seq").getAsLong(), id + ": numbered 1, 2, 3... in stored order");
                for (String field : List.of("id", "sender", "receiver", "message", "clientMsgId", "ts")) {
                    assertEquals(w.get(field), g.get(field), id + " message " + (i + 1) + " " + field);
                }
            }
        }

        JsonObject aliceList = get("alice", "/api/conversations");
        List<String> ids = new ArrayList<>();
        for (JsonElement c : aliceList.getAsJsonArray("conversations")) {
            JsonObject summary = c.getAsJsonObject();
            ids.add(summary.get("id").getAsString());
            assertEquals(0, summary.get("unread").getAsLong(), "v1 history counts as read: " + summary);
            assertEquals(summary.get("lastSeq"), summary.getAsJsonObject("lastMessage").get("seq"));
        }
        assertEquals(List.of("alice|bob", "alice|carol"), ids.stream().sorted().toList());
        assertEquals(7, get("bob", "/api/conversations/" + enc("alice|bob")).get("lastSeq").getAsLong());

        JsonObject v1History = get("carol", "/api/messages?with=dave");
        assertEquals(1, v1History.getAsJsonArray("msgs").size(), "the v1 history API still serves v1 data");

        WsClient dave = WsClient.connect(server.wsPort(), TOKENS.issue("dave"));
        try {
            dave.chat("carol", "a v2 server's first message here", "after-migration-1");
            assertEquals(2, dave.next("ack", Duration.ofSeconds(5)).get("seq").getAsLong(), "new messages follow the migrated ones");
        } finally {
            dave.close();
        }
    }

    @Test
    void aSecondStartChangesNothing() throws Exception {
        start();
        stopServer();
        List<Document> first = snapshot();
        start();
        stopServer();
        assertEquals(first, snapshot(), "messages and conversations exactly as the first start left them");
        assertEquals(13, first.stream().filter(d -> d.containsKey("conv")).count());
    }

    @Test
    void aMigrationCutOffMidwayCarriesOn() throws Exception {
        start();
        stopServer();
        // What a crash midway leaves: a numbered prefix of alice|bob's messages, the rest unnumbered, no marker, and
        // no (conv, seq) index yet (the server creates it after the migration; the embedded store does not honour
        // the index's partial filter, so it would take every missing seq as the same null).
        try (DatabaseConnection store = openStore()) {
            MongoCollection<Document> messages = store.database().getCollection("messages");
            messages.dropIndex("conv_seq_unique");
            List<Document> inOrder = messages.find(Filters.eq("conv", "alice|bob")).sort(Sorts.ascending("_id")).into(new ArrayList<>());
            for (Document m : inOrder.subList(4, inOrder.size())) {
                messages.updateOne(Filters.eq("_id", m.get("_id")), Updates.unset("seq"));
            }
            store.database().getCollection("migrations").deleteMany(new Document());
        }
        start();
        List<JsonObject> page = page("alice", "alice|bob");
        assertEquals(7, page.size());
        List<Long> seqs = page.stream().map(m -> m.get("seq").getAsLong()).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L), seqs.subList(0, 4), "the numbered prefix keeps its numbers");
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "still in stored order: " + seqs);
        }
        JsonObject expected = expected().getAsJsonObject("conversations");
        List<String> wantIds = expected.getAsJsonArray("alice|bob").asList().stream().map(m -> m.getAsJsonObject().get("id").getAsString()).toList();
        assertEquals(wantIds, page.stream().map(m -> m.get("id").getAsString()).toList());
    }

    private void start() {
        server = ChatServer.start(new Env(env()));
    }

    private Map<String, String> env() {
        return Map.of("HTTP_PORT", "0", "WS_PORT", "0", "DATA_DIR", dataDir.toString(), "JWT_SECRET", SECRET,
                "ALLOWED_ORIGINS", "http://localhost:8080");
    }

    private void stopServer() {
        server.close();
        server = null;
    }

    /** The data directory's store, opened as the server opens it (while no server has it open). */
    private DatabaseConnection openStore() {
        return DatabaseConnection.open(Config.forService(new Env(env()), 0));
    }

    private List<Document> snapshot() {
        List<Document> all = new ArrayList<>();
        try (DatabaseConnection store = openStore()) {
            store.database().getCollection("messages").find().sort(Sorts.ascending("_id")).into(all);
            store.database().getCollection("conversations").find().sort(Sorts.ascending("_id")).into(all);
        }
        return all;
    }

    private List<JsonObject> page(String user, String id) throws Exception {
        return get(user, "/api/conversations/" + enc(id) + "/messages?after=0").getAsJsonArray("msgs").asList().stream()
                .map(JsonElement::getAsJsonObject).toList();
    }

    private JsonObject get(String user, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                .header("Authorization", "Bearer " + TOKENS.issue(user)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + " " + response.body());
        return Json.parseObject(response.body());
    }

    private static JsonObject expected() throws IOException {
        try (InputStream in = V1DataMigrationTest.class.getResourceAsStream("/v1-data/expected.json")) {
            return Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
