package chitchat.reliability;

import chitchat.json.Json;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.handshake.ServerHandshake;

/**
 * One user's app, as the contract asks a client to behave, with a ledger of everything it was told.
 *
 * <p>It sends {@code chat msg} frames with unique {@code clientMsgId}s and keeps those not acked yet; it shows each
 * message id once however often it arrives (live, or again in a catch-up); on {@code resync} it catches up as the
 * browser does: {@code GET /api/conversations}, then for each conversation whose {@code lastSeq} is above what it
 * holds without a gap ({@link HeldSeqs}), {@code after=} pages until a short one, and a gap the pages leave is
 * asked about again 3 s later; a live message above a gap catches up on its conversation. It differs from a
 * browser tab in one way: it holds every conversation from its first message (a tab pages only the ones it
 * opened). After losing
 * its connection it can reconnect (to another instance), re-send what was never acked, and catch up; a message
 * refused as {@code overloaded} it sends again after the server's {@code retryAfterMs}, as the browser does. Over
 * successive connections it records what the tests count: acks, error frames, resyncs, close codes, and any id
 * delivered twice on one connection.
 */
final class Device {

    /** A message this device sent. */
    record Sent(String clientMsgId, String sender, String receiver, String text) {
    }

    /** The ack of a message: the stored id, and which instance said so. */
    record Ack(String id, String instance) {
    }

    /** The server's largest page, for the conversation list and for {@code after=}. */
    private static final int PAGE = 200;
    /** A catch-up that needs more pages than this for one conversation is not ending: a problem. */
    private static final int MAX_PAGES = 200;
    /** The browser's GAP_RECHECK_MS: a gap a page showed is asked about again after this. */
    private static final Duration RECHECK = Duration.ofSeconds(3);

    private final String user;
    private final String token;
    private final AtomicInteger sequence = new AtomicInteger();
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    private final Map<String, Sent> unacked = new ConcurrentHashMap<>();
    private final Map<String, Ack> acks = new ConcurrentHashMap<>();
    private final Map<String, String> errors = new ConcurrentHashMap<>(); // clientMsgId -> error code
    private final List<JsonObject> otherErrors = new CopyOnWriteArrayList<>();
    private final Set<String> shown = ConcurrentHashMap.newKeySet(); // ids on screen: live or caught up, once each
    private final Set<String> shownLive = ConcurrentHashMap.newKeySet();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();
    private final List<String> closeReasons = new CopyOnWriteArrayList<>();
    private final AtomicInteger resyncs = new AtomicInteger();
    private final AtomicInteger overloadedResends = new AtomicInteger();
    private final AtomicInteger catchUpsRunning = new AtomicInteger();
    private final AtomicInteger catchUpsDone = new AtomicInteger();
    /** By conversation id: what this device holds of it, and so where its catch-up starts. */
    private final Map<String, HeldSeqs> held = new ConcurrentHashMap<>();
    private final Set<String> rechecking = ConcurrentHashMap.newKeySet(); // conversations with a re-check due
    private final Set<String> liveGaps = ConcurrentHashMap.newKeySet(); // conversations with a live gap to fill
    private volatile Peer peer;
    private volatile ChatProcess instance;

    /** A device of {@code user}, with a token from {@code topology}; not connected yet. */
    Device(Topology topology, String user) {
        this.user = user;
        this.token = topology.token(user);
    }

    String user() {
        return user;
    }

    /** Connects to {@code instance} and returns once the server will deliver to this connection. */
    Device connect(ChatProcess instance) {
        Peer fresh = new Peer(URI.create("ws://127.0.0.1:" + instance.wsPort() + "/ws"), instance);
        try {
            if (!fresh.connectBlocking(10, TimeUnit.SECONDS)) {
                throw new AssertionError(user + " could not connect to " + instance.name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        // The server handles a connection's first frame only once it is registered and subscribed: the answer to
        // a probe proves that deliveries reach this connection from now on.
        fresh.send(Json.write(Map.of("type", "ready?")));
        try {
            if (!fresh.ready.await(15, TimeUnit.SECONDS)) {
                // What this end saw, beside the server's threads: tells a probe never sent from an answer lost.
                throw new AssertionError(user + ": no answer to the readiness probe from " + instance.name()
                        + " within 15 s; this end: " + fresh.getReadyState() + ", " + fresh.framesReceived.get()
                        + " frame(s) received " + fresh.received + "; the server's threads: " + instance.process().dumpThreads());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        this.instance = instance;
        this.peer = fresh;
        return this;
    }

    /**
     * What the app does after losing its connection: connect again (here to {@code instance}), re-send every
     * message never acked (same clientMsgId: the server stores nothing twice), and catch up on what it missed.
     */
    void reconnect(ChatProcess instance) {
        connect(instance);
        resendUnacked();
        catchUp();
    }

    /** Sends a message now, or keeps it for a re-send when there is no connection. */
    Sent send(String receiver, String text) {
        Sent message = new Sent(user + "-" + sequence.incrementAndGet(), user, receiver, text);
        sent.put(message.clientMsgId(), message);
        unacked.put(message.clientMsgId(), message);
        transmit(message);
        return message;
    }

    void resendUnacked() {
        unacked.values().forEach(this::transmit);
    }

    private void transmit(Sent m) {
        Peer current = peer;
        if (current == null || !current.isOpen()) {
            return;
        }
        try {
            current.send(Json.write(Map.of("type", "chat msg", "receiver", m.receiver(), "message", m.text(), "clientMsgId", m.clientMsgId())));
        } catch (WebsocketNotConnectedException e) {
            // kept in unacked: re-sent after the reconnect
        }
    }

    /** A raw frame, as a misbehaving client would send it; false when the connection is gone. */
    boolean sendRaw(String frame) {
        Peer current = peer;
        try {
            current.send(frame);
            return true;
        } catch (WebsocketNotConnectedException e) {
            return false;
        }
    }

    /**
     * Catches up, from the instance this device is connected to, on every conversation it is behind in (see the
     * class comment). On a virtual thread, as an app does it beside live delivery. Any answer but 200 is recorded
     * as a problem, as it always was here; the browser would wait out a 429 or 503 and ask again (the fault tests
     * raise the history limits, so a 429 would be a finding).
     */
    void catchUp() {
        catchUpsRunning.incrementAndGet();
        ChatProcess from = instance;
        Thread.ofVirtual().name("catch-up-" + user).start(() -> {
            try {
                JsonObject list = page(from, "/api/conversations?limit=" + PAGE);
                if (list == null) {
                    return;
                }
                for (JsonElement element : list.getAsJsonArray("conversations")) {
                    JsonObject summary = element.getAsJsonObject();
                    String conversation = summary.get("id").getAsString();
                    HeldSeqs seqs = held(conversation);
                    if (summary.get("lastSeq").getAsInt() > seqs.synced() && !fetchAfter(from, conversation, seqs)) {
                        return;
                    }
                }
            } catch (Throwable t) {
                if (!movedOn(from)) {
                    problems.add("catch-up failed: " + t);
                }
            } finally {
                catchUpsRunning.decrementAndGet();
                catchUpsDone.incrementAndGet();
            }
        });
    }

    /**
     * Pages of {@code after=} for one conversation, from what it holds without a gap and then from each page's
     * newest seq, until a short page; false when one failed. Seqs still missing below the last page are asked
     * about again in {@link #RECHECK} ({@link HeldSeqs}: they may be messages still being written).
     */
    private boolean fetchAfter(ChatProcess from, String conversation, HeldSeqs seqs) {
        int after = seqs.synced();
        for (int page = 0; page < MAX_PAGES; page++) {
            JsonObject body = page(from, "/api/conversations/" + URLEncoder.encode(conversation, StandardCharsets.UTF_8)
                    + "/messages?after=" + after + "&limit=" + PAGE);
            if (body == null) {
                return false;
            }
            JsonArray msgs = body.getAsJsonArray("msgs");
            for (JsonElement element : msgs) {
                JsonObject m = element.getAsJsonObject();
                shown.add(m.get("id").getAsString());
                int seq = m.get("seq").getAsInt();
                seqs.add(seq);
                after = Math.max(after, seq);
            }
            if (msgs.size() < PAGE) {
                seqs.pagedTo(after, System.currentTimeMillis());
                if (seqs.hasGap()) {
                    recheckLater(conversation);
                }
                return true;
            }
        }
        problems.add("catch-up of " + conversation + " did not end after " + MAX_PAGES + " pages");
        return false;
    }

    /** A gap a page left: in {@link #RECHECK}, that conversation's pages again, as the browser does. */
    private void recheckLater(String conversation) {
        catchUpConversation(conversation, rechecking, RECHECK);
    }

    /**
     * One conversation's {@code after=} pages, after {@code delay}, unless one is already due in {@code due}. The
     * wait does not count as a catch-up running (a seq never used keeps re-checks going for 30 s); the pages do.
     */
    private void catchUpConversation(String conversation, Set<String> due, Duration delay) {
        if (!due.add(conversation)) {
            return;
        }
        Thread.ofVirtual().name("catch-up-" + user + "-" + conversation).start(() -> {
            if (!delay.isZero()) {
                Waits.sleep(delay.toMillis());
            }
            due.remove(conversation);
            ChatProcess from = instance;
            catchUpsRunning.incrementAndGet();
            try {
                fetchAfter(from, conversation, held(conversation));
            } catch (Throwable t) {
                if (!movedOn(from)) {
                    problems.add("catch-up of " + conversation + " failed: " + t);
                }
            } finally {
                catchUpsRunning.decrementAndGet();
            }
        });
    }

    /**
     * Whether this device's connection to {@code from} is gone, so a catch-up from there that failed does not
     * matter: as the browser, it catches up again when it reconnects (an instance killed mid-request, say).
     */
    private boolean movedOn(ChatProcess from) {
        Peer current = peer;
        return current == null || current.at != from || !current.isOpen();
    }

    /** One history request's body, or null (and a problem noted) when it was not answered with 200. */
    private JsonObject page(ChatProcess from, String query) {
        HttpResponse<String> response = from.get(query, token);
        if (response.statusCode() != 200) {
            problems.add("catch-up answered " + response.statusCode() + ": " + response.body());
            return null;
        }
        return Json.parseObject(response.body());
    }

    private HeldSeqs held(String conversation) {
        return held.computeIfAbsent(conversation, c -> new HeldSeqs());
    }

    /**
     * A message (an ack, a frame, a page's item) with the v2 fields reached this device: it holds that seq. Returns
     * its conversation's {@link HeldSeqs}, or null for a message without those fields.
     */
    private HeldSeqs hold(JsonObject message) {
        JsonElement conversation = message.get("conversation");
        JsonElement seq = message.get("seq");
        if (conversation == null || !conversation.isJsonPrimitive() || seq == null || !seq.isJsonPrimitive()) {
            return null;
        }
        HeldSeqs seqs = held(conversation.getAsString());
        seqs.add(seq.getAsInt());
        return seqs;
    }

    boolean isOpen() {
        Peer current = peer;
        return current != null && current.isOpen();
    }

    void close() {
        Peer current = peer;
        if (current != null) {
            current.close();
        }
    }

    /** Waits until the current connection is closed, and returns its close code. */
    int awaitClosed(Duration timeout) {
        Peer current = peer;
        try {
            if (!current.closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(user + "'s connection not closed within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return current.closeCode;
    }

    Map<String, Sent> sent() {
        return Map.copyOf(sent);
    }

    Map<String, Sent> unacked() {
        return Map.copyOf(unacked);
    }

    Map<String, Ack> acks() {
        return Map.copyOf(acks);
    }

    Map<String, String> errors() {
        return Map.copyOf(errors);
    }

    List<JsonObject> otherErrors() {
        return List.copyOf(otherErrors);
    }

    Set<String> shown() {
        return Set.copyOf(shown);
    }

    Set<String> shownLive() {
        return Set.copyOf(shownLive);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    List<Integer> closeCodes() {
        return List.copyOf(closeCodes);
    }

    int resyncs() {
        return resyncs.get();
    }

    /** Whether no catch-up is running, and at least {@code count} have finished. */
    boolean caughtUp(int count) {
        return catchUpsRunning.get() == 0 && catchUpsDone.get() >= count;
    }

    @Override
    public String toString() {
        return user + "{sent=" + sent.size() + ", unacked=" + unacked.size() + ", overloadedResends=" + overloadedResends.get() + ", errors=" + new java.util.TreeSet<>(errors.values())
                + ", shown=" + shown.size() + ", resyncs=" + resyncs + ", closes=" + closeReasons + ", problems=" + problems + "}";
    }

    /** One WebSocket connection of this device. */
    private final class Peer extends WebSocketClient {

        private final ChatProcess at;
        private final Map<String, Integer> liveCount = new ConcurrentHashMap<>();
        private final CountDownLatch ready = new CountDownLatch(1);
        private final AtomicInteger framesReceived = new AtomicInteger();
        private final List<String> received = new CopyOnWriteArrayList<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile int closeCode = -1;

        Peer(URI uri, ChatProcess at) {
            super(uri, Map.of("Authorization", "Bearer " + token));
            this.at = at;
            setConnectionLostTimeout(0);
        }

        @Override
        public void onOpen(ServerHandshake handshake) {
        }

        @Override
        public void onMessage(String text) {
            if (framesReceived.getAndIncrement() < 3) {
                received.add(text); // the first few, for a failed readiness probe's message
            }
            try {
                JsonObject frame = Json.parseObject(text);
                switch (frame.get("type").getAsString()) {
                    case "ack" -> onAck(frame);
                    case "chat msg" -> onChat(frame);
                    case "error" -> onError(frame);
                    case "resync" -> {
                        // The frame carries nothing but its type: the device knows where it is behind.
                        resyncs.incrementAndGet();
                        catchUp();
                    }
                    default -> problems.add("unknown frame: " + text);
                }
            } catch (RuntimeException e) {
                problems.add("bad frame " + text + ": " + e);
            }
        }

        private void onAck(JsonObject frame) {
            String clientMsgId = frame.get("clientMsgId").getAsString();
            String id = frame.get("id").getAsString();
            if (!sent.containsKey(clientMsgId)) {
                problems.add("ack for a message never sent: " + clientMsgId);
                return;
            }
            Ack before = acks.putIfAbsent(clientMsgId, new Ack(id, at.name()));
            if (before != null && !before.id().equals(id)) {
                problems.add("acked twice with different ids: " + clientMsgId + " " + before.id() + " / " + id);
            }
            unacked.remove(clientMsgId);
            shown.add(id);
            hold(frame);
        }

        private void onChat(JsonObject frame) {
            String id = frame.get("id").getAsString();
            String receiver = frame.get("receiver").getAsString();
            String sender = frame.get("sender").getAsString();
            if (!user.equals(receiver) && !user.equals(sender)) {
                problems.add("delivered someone else's message: " + frame);
            }
            if (liveCount.merge(id, 1, Integer::sum) > 1) {
                problems.add("message " + id + " delivered twice on one connection");
            }
            shownLive.add(id);
            shown.add(id);
            HeldSeqs seqs = hold(frame);
            // A live message above what is held without a gap: something before it was missed (or is still
            // being written); as the browser does (static-client/js/chat.js), catch up on that conversation,
            // unless a gap is being re-checked there already.
            if (seqs != null && !seqs.hasGap() && seqs.synced() < frame.get("seq").getAsInt()) {
                catchUpConversation(frame.get("conversation").getAsString(), liveGaps, Duration.ZERO);
            }
        }

        private void onError(JsonObject frame) {
            String code = frame.get("error").getAsString();
            JsonElement clientMsgId = frame.get("clientMsgId");
            if ("unknown_type".equals(code) && (clientMsgId == null || clientMsgId.isJsonNull())) {
                ready.countDown(); // the answer to the readiness probe
            } else if ("overloaded".equals(code) && clientMsgId != null && !clientMsgId.isJsonNull()
                    && unacked.get(clientMsgId.getAsString()) instanceof Sent refused) {
                // As the browser does (static-client/js/sender.js): wait for the hint plus up to half again, then
                // send it again with the same clientMsgId. A refusal under saturation is latency, not a failure.
                long hint = frame.has("retryAfterMs") ? frame.get("retryAfterMs").getAsLong() : 1000;
                long wait = hint + java.util.concurrent.ThreadLocalRandom.current().nextLong(hint / 2 + 1);
                overloadedResends.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    Waits.sleep(wait);
                    if (unacked.containsKey(refused.clientMsgId())) {
                        transmit(refused);
                    }
                });
            } else if (clientMsgId != null && !clientMsgId.isJsonNull() && sent.containsKey(clientMsgId.getAsString())) {
                errors.put(clientMsgId.getAsString(), code);
            } else {
                otherErrors.add(frame);
            }
        }

        @Override
        public void onClose(int code, String reason, boolean remote) {
            closeReasons.add(code + " " + reason + (remote ? " (by the server)" : " (by this client)"));
            closeCode = code;
            closeCodes.add(code);
            closed.countDown();
        }

        @Override
        public void onError(Exception ex) {
        }
    }

    /** Every message these devices had acked, with its ack. */
    static Map<Sent, Ack> acked(List<Device> devices) {
        Map<Sent, Ack> all = new java.util.HashMap<>();
        for (Device d : devices) {
            d.acks().forEach((clientMsgId, ack) -> all.put(d.sent.get(clientMsgId), ack));
        }
        return all;
    }

    /** The acked messages addressed to the device's user that it does not show, described for a failure message. */
    static List<String> missing(Device device, Map<Sent, Ack> acked) {
        Set<String> shown = device.shown();
        List<String> missing = new ArrayList<>();
        acked.forEach((m, ack) -> {
            if (m.receiver().equals(device.user()) && !shown.contains(ack.id())) {
                missing.add(m.clientMsgId() + "=" + ack.id() + " (acked by " + ack.instance() + ")");
            }
        });
        return missing;
    }
}
