package chitchat.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a browser sends besides messages, so that a ladder can measure what it costs: {@code delivered} and
 * {@code read} marks for what arrived, and {@code typing} before some messages (docs/PROTOCOL.md, client frames).
 *
 * <p>As the browser client does, marks are coalesced: each receiver remembers the highest {@code seq} it got per
 * conversation, and about once a second sends one {@code delivered} and one {@code read} for it (as if every
 * conversation were open on screen), only when it moved. One thread does this for all users, a tenth of them every
 * 100 ms, so the marks are spread over the second instead of arriving in one burst. Typing: a fraction of the
 * users are "typists", who send one {@code typing} frame before a message when their last one is 3 s old (the
 * client's own rate), into the conversation their acks named.
 *
 * <p>It counts what it sent and the {@code receipt} and {@code typing} frames that came back; the ladder reports
 * the deltas per step.
 */
final class BrowserMarks implements AutoCloseable {

    private static final long MARK_INTERVAL_NANOS = 1_000_000_000L;
    private static final int SLICES = 10;
    private static final long TYPING_INTERVAL_NANOS = 3_000_000_000L;

    /** The counters, as a step reports their deltas. */
    record Counts(long delivered, long read, long typingSent, long receipts, long typingReceived) {
        Counts minus(Counts before) {
            return new Counts(delivered - before.delivered, read - before.read, typingSent - before.typingSent,
                    receipts - before.receipts, typingReceived - before.typingReceived);
        }

        Map<String, Long> asMap() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("delivered_sent", delivered);
            m.put("read_sent", read);
            m.put("typing_sent", typingSent);
            m.put("receipts_received", receipts);
            m.put("typing_received", typingReceived);
            return m;
        }
    }

    private final LoadClients clients;
    private final int typistEvery;
    private final Map<ChatClient, Integer> index = new ConcurrentHashMap<>();
    /** Per user: conversation -> highest seq received, and the highest already marked. */
    private final Map<ChatClient, Map<String, Long>> received = new ConcurrentHashMap<>();
    private final Map<ChatClient, Map<String, Long>> marked = new ConcurrentHashMap<>();
    /** Per user: the conversation its messages go to (from its acks), and when it last sent typing. */
    private final Map<ChatClient, String> outgoing = new ConcurrentHashMap<>();
    private final long[] lastTyping;
    private final LongAdder delivered = new LongAdder();
    private final LongAdder read = new LongAdder();
    private final LongAdder typingSent = new LongAdder();
    private final LongAdder receipts = new LongAdder();
    private final LongAdder typingReceived = new LongAdder();
    private final Thread sender;
    private volatile boolean closed;

    /** {@code typingFraction} of the users are typists (0: none). */
    BrowserMarks(LoadClients clients, double typingFraction) {
        this.clients = clients;
        this.typistEvery = typingFraction <= 0 ? 0 : (int) Math.max(1, Math.round(1 / typingFraction));
        this.lastTyping = new long[clients.size()];
        List<ChatClient> all = clients.clients();
        for (int i = 0; i < all.size(); i++) {
            index.put(all.get(i), i);
            received.put(all.get(i), new ConcurrentHashMap<>());
            marked.put(all.get(i), new ConcurrentHashMap<>());
        }
        this.sender = Thread.ofPlatform().name("bench-marks").daemon().start(this::run);
    }

    Counts counts() {
        return new Counts(delivered.sum(), read.sum(), typingSent.sum(), receipts.sum(), typingReceived.sum());
    }

    /** Called for every frame a client receives, on its read thread. */
    void onFrame(ChatClient client, String type, String frame) {
        switch (type) {
            case "chat msg" -> {
                String conversation = FrameFields.get(frame, "conversation");
                long seq = FrameFields.number(frame, "seq");
                Map<String, Long> mine = received.get(client);
                if (conversation != null && seq > 0 && mine != null && !client.user().equals(FrameFields.get(frame, "sender"))) {
                    mine.merge(conversation, seq, Math::max);
                }
            }
            case "ack" -> {
                String conversation = FrameFields.get(frame, "conversation");
                if (conversation != null) {
                    outgoing.putIfAbsent(client, conversation);
                }
            }
            case "receipt" -> receipts.increment();
            case "typing" -> typingReceived.increment();
            default -> {
            }
        }
    }

    /**
     * Called by the scheduler before user {@code i} sends a message: a typist whose last {@code typing} is 3 s old
     * sends one now. On the scheduler thread only (lastTyping is not shared).
     */
    void beforeMessage(int i, long nowNanos) {
        if (typistEvery == 0 || i % typistEvery != 0 || nowNanos - lastTyping[i] < TYPING_INTERVAL_NANOS) {
            return;
        }
        ChatClient client = clients.client(i);
        String conversation = outgoing.get(client);
        if (conversation == null) {
            return; // no ack yet: the conversation is not known
        }
        lastTyping[i] = nowNanos;
        if (trySend(client, "{\"type\":\"typing\",\"conversation\":\"" + conversation + "\"}")) {
            typingSent.increment();
        }
    }

    private void run() {
        long next = System.nanoTime();
        for (long tick = 0; !closed; tick++) {
            next += MARK_INTERVAL_NANOS / SLICES;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            List<ChatClient> all = clients.clients();
            for (int i = (int) (tick % SLICES); i < all.size(); i += SLICES) {
                markAll(all.get(i));
            }
        }
    }

    /** Sends delivered and read for each conversation whose highest seq moved since the last marks. */
    private void markAll(ChatClient client) {
        Map<String, Long> done = marked.get(client);
        received.get(client).forEach((conversation, seq) -> {
            if (seq > done.getOrDefault(conversation, 0L)) {
                done.put(conversation, seq);
                String body = "\",\"conversation\":\"" + conversation + "\",\"seq\":" + seq + "}";
                if (trySend(client, "{\"type\":\"delivered" + body)) {
                    delivered.increment();
                }
                if (trySend(client, "{\"type\":\"read" + body)) {
                    read.increment();
                }
            }
        });
    }

    private static boolean trySend(ChatClient client, String frame) {
        try {
            client.send(frame);
            return true;
        } catch (RuntimeException e) {
            return false; // closed: counted by the scenario's closes
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
