package chitchat.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * How fast history loads: page fetches ({@code GET /api/messages?with=}) at the newest end of a conversation of
 * {@code --history-messages} (100,000) messages, at its oldest end ({@code before=} the 51st oldest id), and, for
 * comparison, at the newest end of a conversation of 100.
 *
 * <p>The conversations are written straight into the store with the MongoDB driver, in the contract's document
 * shape ({@code {_id, conv, sender, receiver, message, ts, clientMsgId}}), in batches of 1,000: sending 100,000
 * messages through the WebSocket would measure the throughput scenario again and take most of the time budget.
 * Ids are made one second apart, oldest first, so the conversation spans about a day of history.
 * Fetches are sequential (one request at a time): this is the latency one person sees when opening a chat.
 */
final class HistoryScenario {

    record Position(String name, String query, int pageSize, Latency.Summary latency) {
    }

    record Result(String fill, int messages, double fillSeconds, double fillPerSec, long collectionDocuments,
                  List<Position> positions) {
    }

    private static final int PAGE = 50;
    private static final int SMALL = 100;

    private final Options options;
    private final Api api;
    private final Api.User reader;
    private final String partner;
    private final Api.User smallReader;
    private final String smallPartner;

    /** {@code reader} and {@code partner} share the long conversation; the small pair, the 100-message one. */
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
        long fillStart = System.nanoTime();
        List<ObjectId> ids;
        long documents;
        try (MongoClient mongo = MongoClients.create(options.mongoUri())) {
            MongoCollection<Document> messages = mongo.getDatabase(options.mongoDb()).getCollection("messages");
            ids = fill(messages, reader.name(), partner, n);
            fill(messages, smallReader.name(), smallPartner, SMALL);
            documents = messages.estimatedDocumentCount();
        }
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        System.out.printf("  stored %d + %d messages in %.1f s (%.0f/s, MongoDB driver, insertMany of 1,000)%n",
                n, SMALL, fillSeconds, (n + SMALL) / fillSeconds);

        String base = options.chatHttp().getFirst() + "/api/messages?limit=" + PAGE + "&with=";
        List<Position> positions = new ArrayList<>();
        positions.add(measure("newest page of " + n, base + partner, reader, ids.get(n - 1)));
        positions.add(measure("oldest page of " + n, base + partner + "&before=" + ids.get(PAGE).toHexString(), reader, ids.get(PAGE - 1)));
        positions.add(measure("newest page of " + SMALL, base + smallPartner, smallReader, null));
        return new Result("MongoDB driver, straight into the store (contract document shape)", n,
                Math.round(fillSeconds * 100) / 100.0, Math.round((n + SMALL) / fillSeconds), documents, positions);
    }

    /** Inserts {@code count} messages between a and b, alternating sender, oldest first; returns their ids in order. */
    private static List<ObjectId> fill(MongoCollection<Document> messages, String a, String b, int count) {
        String conv = a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
        int firstSecond = (int) (System.currentTimeMillis() / 1000) - count - 60;
        List<ObjectId> ids = new ArrayList<>(count);
        List<Document> batch = new ArrayList<>(1000);
        for (int i = 0; i < count; i++) {
            ObjectId id = new ObjectId(firstSecond + i, i);
            ids.add(id);
            String sender = i % 2 == 0 ? a : b;
            batch.add(new Document("_id", id)
                    .append("conv", conv)
                    .append("sender", sender)
                    .append("receiver", sender.equals(a) ? b : a)
                    .append("message", "history message " + i + " of a long conversation")
                    .append("ts", new Date((firstSecond + i) * 1000L))
                    .append("clientMsgId", "h" + i));
            if (batch.size() == 1000 || i == count - 1) {
                messages.insertMany(batch, new InsertManyOptions().ordered(false));
                batch.clear();
            }
        }
        return ids;
    }

    /**
     * Fetches one page repeatedly, one request at a time, for {@code --history-requests} requests or
     * {@code --history-seconds}, whichever ends first, after a short warm-up; checks the first answer.
     */
    private Position measure(String name, String url, Api.User user, ObjectId expectedLast) {
        HttpResponse<String> first = api.get(url, user.token());
        if (first.statusCode() != 200) {
            throw new IllegalStateException(name + ": " + url + " answered " + first.statusCode() + " " + first.body());
        }
        int pageSize = first.body().split("\"id\":").length - 1;
        if (expectedLast != null && !first.body().contains("\"id\":\"" + expectedLast.toHexString() + "\"")) {
            throw new IllegalStateException(name + ": the page does not end with the expected message " + expectedLast);
        }
        for (int i = 0; i < 5; i++) {
            api.get(url, user.token());
        }
        Latency latency = new Latency();
        long deadline = System.nanoTime() + (long) (options.historySeconds() * 1e9);
        for (int i = 0; i < options.historyRequests() && System.nanoTime() < deadline; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> response = api.get(url, user.token());
            latency.record(t0, System.nanoTime());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name + ": answered " + response.statusCode());
            }
        }
        Latency.Summary s = latency.summary();
        System.out.printf("  %-24s p50 %8.2f ms  p99 %8.2f ms  (%d requests, %d messages a page)%n", name, s.p50(), s.p99(), s.count(), pageSize);
        return new Position(name, url.substring(url.indexOf("/api/")), pageSize, s);
    }
}
