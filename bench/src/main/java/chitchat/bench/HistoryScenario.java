package chitchat.bench;

import chitchat.chat.messages.Message;
import chitchat.chat.messages.MessageStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * What reading costs when the store is big: the conversation list and history pages, one request at a time (the
 * latency one person sees when opening the app or a chat), with {@code --history-messages} (100,000) messages in one
 * conversation.
 *
 * <p>The data: the reader has a direct conversation of 100,000 messages with its partner and is in {@value #GROUPS}
 * groups of four with {@value #GROUP_MESSAGES} messages each after the {@code created} system message, so the list
 * has 51 entries to find and sort; two other users share a direct conversation of {@value #SMALL}. The conversations
 * are created through the API ({@code POST /api/conversations}), so their documents and memberships are the
 * server's own; the messages are then written straight into the store with the MongoDB driver, in batches of 1,000,
 * in the server's own document shape ({@link MessageStore#document}: seq 1..n, ts and ObjectId one second apart,
 * oldest first), and each conversation document is brought up to date as {@code ConversationStore.stored} would
 * ({@code lastSeq}, {@code reservedSeq}, {@code lastMessage}, {@code updatedAt}), and each sender's marks as
 * {@code Memberships.raiseForSenders} would. Sending 100,000 messages through the WebSocket would measure the
 * throughput scenario again and take most of the time budget on two cores.
 *
 * <p>What is measured: {@code GET /api/conversations}; {@code GET /api/conversations/{id}/messages} at the newest end
 * of the long conversation, at its oldest end ({@code before=51}), as a catch-up ({@code after=} its last seq - 50)
 * and at the newest end of the small one; and the v1 {@code GET /api/messages?with=} pages (newest, oldest, small).
 * The first answer of each is checked (the right seqs, ids or conversations), so a fast wrong answer cannot pass.
 */
final class HistoryScenario {

    /**
     * One kind of request: its name, the path and query, how many items the first answer held (messages on a page,
     * conversations in the list), its latency, when the slowest request started (to match against other load), and
     * the CPU milliseconds a request cost each watched process ({@code chat1} answers, {@code store} queries;
     * {@code machine} is every process here, anyone else's included). CPU time is the steadier figure on a shared
     * machine: other work stretches the wall time of a scan much more than its CPU time.
     */
    record Position(String name, String query, int pageSize, Latency.Summary latency, String slowestAt,
                    Map<String, Double> cpuMsPerRequest) {
    }

    /**
     * The fill, the store's size after it (per collection), the first requests after the fill ({@code cold}: the
     * store warming up, kept apart so it does not land in whichever kind is measured first), and each kind of
     * request.
     */
    record Result(String fill, int messages, double fillSeconds, double fillPerSec, long collectionDocuments,
                  long conversationDocuments, long membershipDocuments, int readerConversations, Position cold,
                  List<Position> positions) {
    }

    private static final int PAGE = 50;
    private static final int SMALL = 100;
    static final int GROUPS = 50;
    static final int GROUP_MESSAGES = 5;
    /**
     * At least this many measured requests per kind, even past {@code --history-seconds}: a p99 of fewer is only the
     * maximum (the whole run stays bounded by {@code BENCH_TIMEOUT}).
     */
    private static final int MIN_REQUESTS = 50;
    /**
     * The first pages after a bulk fill cost the embedded store far more than later ones: single requests of 1.9-9.4 s
     * and young GC pauses of up to 0.8 s copying survivors ({@code store-gc.log}; a newest page holds its 100,000
     * matches until they are sorted, and the store may also be doing its own work after the bulk write). So the
     * newest page is fetched until the store has settled (the last {@value #SETTLED} requests each within 3 times their
     * median) or for {@value #COLD_SECONDS} s, before anything is measured, and reported on its own as the cold figure.
     */
    private static final int SETTLED = 20;
    private static final int COLD_SECONDS = 120;

    /** Checks the first answer of a kind of request; returns how many items it held, or throws. */
    private interface Expect {
        int check(String body);
    }

    private final Options options;
    private final Api api;
    private final Api.User reader;
    private final String partner;
    private final Api.User smallReader;
    private final String smallPartner;
    /** ObjectId counters, unique across every message this run writes (two ids in the same second differ by it). */
    private int nextCounter;

    /**
     * {@code reader} and {@code partner} share the long conversation; the small pair, the 100-message one; all four
     * are in the groups.
     */
    HistoryScenario(Options options, Api api, Api.User reader, String partner, Api.User smallReader, String smallPartner) {
        this.options = options;
        this.api = api;
        this.reader = reader;
        this.partner = partner;
        this.smallReader = smallReader;
        this.smallPartner = smallPartner;
    }

    Result run() {
        if (options.mongoUri().isBlank()) {
            throw new IllegalStateException("the history scenario needs --mongo-uri (the store the chat-servers use)");
        }
        int n = options.historyMessages();
        String chat = options.chatHttp().getFirst();
        long fillStart = System.nanoTime();

        String big = createDirect(chat, reader, partner);
        String small = createDirect(chat, smallReader, smallPartner);
        List<String> groupMembers = List.of(reader.name(), partner, smallReader.name(), smallPartner);
        List<String> groups = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            groups.add(createGroup(chat, reader, "bench group " + g, groupMembers.subList(1, groupMembers.size())));
        }

        List<ObjectId> ids;
        long messageDocs;
        long conversationDocs;
        long membershipDocs;
        // The groups' messages come after their `created` system message (stamped when the API made them); the
        // direct conversations' history ends just before, a second a message, like a v1 conversation carried over.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (MongoClient mongo = MongoClients.create(options.mongoUri())) {
            MongoDatabase db = mongo.getDatabase(options.mongoDb());
            ids = fill(db, big, List.of(reader.name(), partner), true, 1, n, now.minusSeconds(n + 60L), 1000);
            fill(db, small, List.of(smallReader.name(), smallPartner), true, 1, SMALL, now.minusSeconds(SMALL + 30L), 1000);
            for (int g = 0; g < GROUPS; g++) {
                fill(db, groups.get(g), groupMembers, false, 2, GROUP_MESSAGES, now.plusMillis(g * 10L), 1);
            }
            messageDocs = db.getCollection("messages").estimatedDocumentCount();
            conversationDocs = db.getCollection("conversations").estimatedDocumentCount();
            membershipDocs = db.getCollection("memberships").estimatedDocumentCount();
        }
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        int written = n + SMALL + GROUPS * GROUP_MESSAGES;
        System.out.printf("  %d conversations through the API, then %d + %d + %d x %d messages in %.1f s (%.0f/s, MongoDB driver,"
                        + " insertMany of 1,000); the store holds %d messages, %d conversations, %d memberships%n",
                2 + GROUPS, n, SMALL, GROUPS, GROUP_MESSAGES, fillSeconds, written / fillSeconds, messageDocs, conversationDocs,
                membershipDocs);

        String v2 = chat + "/api/conversations/";
        String v1 = chat + "/api/messages?limit=" + PAGE + "&with=";
        Position cold = measure("cold: v2 newest page of " + n, v2 + encode(big) + "/messages?limit=" + PAGE, reader,
                body -> seqs(body, n - PAGE + 1, n), 0, SETTLED, 100_000, COLD_SECONDS, true);
        List<Position> positions = new ArrayList<>();
        positions.add(measure("list of " + (GROUPS + 1) + " conversations", chat + "/api/conversations", reader,
                body -> listed(body, GROUPS + 1, big)));
        positions.add(measure("v2 newest page of " + n, v2 + encode(big) + "/messages?limit=" + PAGE, reader,
                body -> seqs(body, n - PAGE + 1, n)));
        positions.add(measure("v2 oldest page of " + n, v2 + encode(big) + "/messages?limit=" + PAGE + "&before=" + (PAGE + 1), reader,
                body -> seqs(body, 1, PAGE)));
        positions.add(measure("v2 catch-up of " + n, v2 + encode(big) + "/messages?after=" + (n - PAGE), reader,
                body -> seqs(body, n - PAGE + 1, n)));
        positions.add(measure("v2 newest page of " + SMALL, v2 + encode(small) + "/messages?limit=" + PAGE, smallReader,
                body -> seqs(body, SMALL - PAGE + 1, SMALL)));
        positions.add(measure("v1 newest page of " + n, v1 + partner, reader, body -> endsWith(body, ids.get(n - 1))));
        positions.add(measure("v1 oldest page of " + n, v1 + partner + "&before=" + ids.get(PAGE).toHexString(), reader,
                body -> endsWith(body, ids.get(PAGE - 1))));
        positions.add(measure("v1 newest page of " + SMALL, v1 + smallPartner, smallReader, body -> messages(body).size()));
        return new Result("conversations through POST /api/conversations; messages with the MongoDB driver, straight into"
                + " the store (the server's document shape)", n, Math.round(fillSeconds * 100) / 100.0,
                Math.round(written / fillSeconds), messageDocs, conversationDocs, membershipDocs, GROUPS + 1, cold, positions);
    }

    /** {@code POST /api/conversations {"kind":"direct"}}: the conversation's id. */
    private String createDirect(String chat, Api.User caller, String with) {
        return created(api.post(chat + "/api/conversations", caller.token(), "{\"kind\":\"direct\",\"with\":\"" + with + "\"}"), 200);
    }

    /** {@code POST /api/conversations {"kind":"group"}}: the group's id (its seq 1 is the {@code created} message). */
    private String createGroup(String chat, Api.User caller, String name, List<String> others) {
        StringBuilder members = new StringBuilder();
        for (String m : others) {
            members.append(members.isEmpty() ? "" : ",").append('"').append(m).append('"');
        }
        return created(api.post(chat + "/api/conversations", caller.token(),
                "{\"kind\":\"group\",\"name\":\"" + name + "\",\"members\":[" + members + "]}"), 201);
    }

    private static String created(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("POST /api/conversations answered " + response.statusCode() + ": " + response.body());
        }
        return JsonParser.parseString(response.body()).getAsJsonObject().get("id").getAsString();
    }

    /**
     * Writes {@code count} messages of {@code conv} with seqs from {@code firstSeq}, senders taking turns among
     * {@code members}, {@code stepMillis} apart from {@code first}; then the
     * conversation's document and the senders' marks, as the server updates them once a batch is stored.
     * Returns the ids in seq order.
     */
    private List<ObjectId> fill(MongoDatabase db, String conv, List<String> members, boolean direct, long firstSeq, int count,
                                Instant first, int stepMillis) {
        MongoCollection<Document> messages = db.getCollection("messages");
        List<ObjectId> ids = new ArrayList<>(count);
        List<Document> batch = new ArrayList<>(1000);
        Map<String, Long> newestBySender = new HashMap<>();
        Message last = null;
        for (int i = 0; i < count; i++) {
            long seq = firstSeq + i;
            Instant ts = first.plusMillis((long) i * stepMillis);
            ObjectId id = new ObjectId((int) ts.getEpochSecond(), nextCounter++ & 0xFFFFFF);
            ids.add(id);
            String sender = members.get(i % members.size());
            String receiver = direct ? members.get((i + 1) % 2) : null;
            last = new Message(id, conv, seq, sender, receiver, "history message " + seq + " of a bench conversation", ts,
                    "bench-" + conv + "-" + seq, null);
            batch.add(MessageStore.document(last));
            newestBySender.put(sender, seq);
            if (batch.size() == 1000 || i == count - 1) {
                messages.insertMany(batch, new InsertManyOptions().ordered(false));
                batch.clear();
            }
        }
        db.getCollection("conversations").updateOne(Filters.eq("_id", conv), Updates.combine(
                Updates.set("lastSeq", last.seq()), Updates.max("reservedSeq", last.seq()),
                Updates.set("lastMessage", MessageStore.document(last)), Updates.set("updatedAt", Date.from(last.ts()))));
        MongoCollection<Document> memberships = db.getCollection("memberships");
        newestBySender.forEach((sender, seq) -> memberships.updateOne(Filters.eq("_id", conv + "#" + sender),
                Updates.combine(Updates.max("readSeq", seq), Updates.max("deliveredSeq", seq))));
        return ids;
    }

    /**
     * Fetches one URL repeatedly, one request at a time, after a short warm-up: {@code --history-requests}
     * requests or {@code --history-seconds}, whichever ends first, but never fewer than {@value #MIN_REQUESTS}.
     * The first answer is checked by {@code expect}.
     */
    private Position measure(String name, String url, Api.User user, Expect expect) {
        return measure(name, url, user, expect, 5, Math.min(MIN_REQUESTS, options.historyRequests()), options.historyRequests(),
                options.historySeconds(), false);
    }

    /**
     * The first answer checked, {@code warmUp} requests unmeasured, then at least {@code floor} and at most
     * {@code most} measured requests, stopping after {@code seconds} once past the floor, or ({@code untilSettled}) as
     * soon as the last {@value #SETTLED} requests each took at most 3 times their median. With no warm-up the first
     * request counts too (the cold figure).
     */
    private Position measure(String name, String url, Api.User user, Expect expect, int warmUp, int floor, int most, double seconds,
                             boolean untilSettled) {
        ArrayDeque<Long> recent = new ArrayDeque<>();
        Latency latency = new Latency();
        Map<String, Double> cpuBefore = ServerProbe.cpu(options.pids());
        Instant firstAt = Instant.now();
        long f0 = System.nanoTime();
        HttpResponse<String> first = api.get(url, user.token());
        long f1 = System.nanoTime();
        if (first.statusCode() != 200) {
            throw new IllegalStateException(name + ": " + url + " answered " + first.statusCode() + " " + first.body());
        }
        int items;
        try {
            items = expect.check(first.body());
        } catch (RuntimeException e) {
            throw new IllegalStateException(name + ": " + url + ": " + e.getMessage(), e);
        }
        long slowest = -1;
        Instant slowestAt = null;
        int count = 0;
        if (warmUp == 0) {
            latency.record(f0, f1);
            slowest = f1 - f0;
            slowestAt = firstAt;
            count = 1;
        } else {
            for (int i = 0; i < warmUp; i++) {
                api.get(url, user.token());
            }
            cpuBefore = ServerProbe.cpu(options.pids());
        }
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        for (; count < most && (count < floor || System.nanoTime() < deadline); count++) {
            Instant startedAt = Instant.now();
            long t0 = System.nanoTime();
            HttpResponse<String> response = api.get(url, user.token());
            long t1 = System.nanoTime();
            latency.record(t0, t1);
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name + ": answered " + response.statusCode());
            }
            if (t1 - t0 > slowest) {
                slowest = t1 - t0;
                slowestAt = startedAt;
            }
            if (untilSettled) {
                recent.addLast(t1 - t0);
                if (recent.size() > SETTLED) {
                    recent.removeFirst();
                }
                if (recent.size() == SETTLED && settled(recent)) {
                    count++;
                    break;
                }
            }
        }
        Map<String, Double> cpuAfter = ServerProbe.cpu(options.pids());
        Map<String, Double> cpuMs = new LinkedHashMap<>();
        for (String process : List.of("chat1", "store", "bench", "machine")) {
            Double before = cpuBefore.get(process);
            Double after = cpuAfter.get(process);
            if (before != null && after != null && before >= 0 && after >= 0) {
                cpuMs.put(process, Math.round((after - before) * 1000 / count * 100) / 100.0);
            }
        }
        Latency.Summary s = latency.summary();
        System.out.printf("  %-28s p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms  (%d requests, %d items)  CPU ms a request %s%n",
                name, s.p50(), s.p99(), s.max(), s.count(), items, cpuMs);
        return new Position(name, url.substring(url.indexOf("/api/")), items, s, String.valueOf(slowestAt), cpuMs);
    }

    /** Whether every duration is within 3 times their median: no request stood out. */
    private static boolean settled(Collection<Long> durations) {
        long[] sorted = durations.stream().mapToLong(Long::longValue).sorted().toArray();
        long median = sorted[sorted.length / 2];
        return sorted[sorted.length - 1] <= 3 * median;
    }

    /** A v2 page holds exactly the seqs {@code from..to}, oldest first. */
    private static int seqs(String body, long from, long to) {
        JsonArray msgs = messages(body);
        int expected = (int) (to - from + 1);
        if (msgs.size() != expected) {
            throw new IllegalStateException("expected " + expected + " messages, got " + msgs.size());
        }
        long firstSeq = msgs.get(0).getAsJsonObject().get("seq").getAsLong();
        long lastSeq = msgs.get(msgs.size() - 1).getAsJsonObject().get("seq").getAsLong();
        if (firstSeq != from || lastSeq != to) {
            throw new IllegalStateException("expected seqs " + from + ".." + to + ", got " + firstSeq + ".." + lastSeq);
        }
        return msgs.size();
    }

    /** A v1 page ends with the message {@code id}. */
    private static int endsWith(String body, ObjectId id) {
        JsonArray msgs = messages(body);
        String lastId = msgs.isEmpty() ? "(none)" : msgs.get(msgs.size() - 1).getAsJsonObject().get("id").getAsString();
        if (!lastId.equals(id.toHexString())) {
            throw new IllegalStateException("the page ends with " + lastId + ", not the expected " + id.toHexString());
        }
        return msgs.size();
    }

    /** The list holds {@code expected} conversations, the long one among them with its last seq. */
    private int listed(String body, int expected, String big) {
        JsonArray list = JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("conversations");
        if (list.size() != expected) {
            throw new IllegalStateException("expected " + expected + " conversations, got " + list.size());
        }
        for (JsonElement e : list) {
            JsonObject c = e.getAsJsonObject();
            if (c.get("id").getAsString().equals(big)) {
                if (c.get("lastSeq").getAsLong() != options.historyMessages()) {
                    throw new IllegalStateException(big + " is listed with lastSeq " + c.get("lastSeq") + ", not " + options.historyMessages());
                }
                return list.size();
            }
        }
        throw new IllegalStateException(big + " is not in the list");
    }

    private static JsonArray messages(String body) {
        return JsonParser.parseString(body).getAsJsonObject().getAsJsonArray("msgs");
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
