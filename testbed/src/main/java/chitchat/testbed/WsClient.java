package chitchat.testbed;

import chitchat.json.Json;
import com.google.gson.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** A WebSocket test client over a real socket: collects every frame it receives, and how it was closed. */
public final class WsClient extends WebSocketClient {

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile int closeCode = -1;

    public WsClient(URI uri, Map<String, String> headers) {
        super(uri, headers);
        setConnectionLostTimeout(0);
    }

    /**
     * Connects with a bearer token and no Origin (a non-browser client), and returns once the server is ready to
     * deliver to it; fails the test if refused.
     */
    public static WsClient connect(int wsPort, String token) {
        WsClient client = new WsClient(URI.create("ws://127.0.0.1:" + wsPort + "/ws"), Map.of("Authorization", "Bearer " + token));
        if (!client.open()) {
            throw new AssertionError("handshake refused");
        }
        client.awaitReady();
        return client;
    }

    /**
     * The server processes a connection's first frame only after registering it and subscribing its user at the
     * broker, so the answer to a probe frame (an unknown type, answered with an error) proves delivery is set up.
     */
    public void awaitReady() {
        sendJson(Map.of("type", "ready?"));
        JsonObject answer = next("error", Duration.ofSeconds(5));
        if (!"unknown_type".equals(answer.get("error").getAsString())) {
            throw new AssertionError("unexpected answer to the readiness probe: " + answer);
        }
    }

    /** Opens the connection; false when the server refused the handshake. */
    public boolean open() {
        try {
            return connectBlocking(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void sendJson(Object frame) {
        send(Json.write(frame));
    }

    public void chat(String receiver, String message, String clientMsgId) {
        sendJson(Map.of("type", "chat msg", "receiver", receiver, "message", message, "clientMsgId", clientMsgId));
    }

    /** A v2 {@code chat msg} to a conversation. */
    public void say(String conversation, String message, String clientMsgId) {
        sendJson(Map.of("type", "chat msg", "conversation", conversation, "message", message, "clientMsgId", clientMsgId));
    }

    /** The next frame that matches, skipping others, within {@code timeout}. */
    public JsonObject next(Predicate<JsonObject> filter, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching frame within " + timeout);
            }
            JsonObject frame = next(Duration.ofNanos(left));
            if (filter.test(frame)) {
                return frame;
            }
        }
    }

    /** The next frame, or an assertion error after {@code timeout}. */
    public JsonObject next(Duration timeout) {
        try {
            JsonObject frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + timeout);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame of a type, skipping others (e.g. a resync), within {@code timeout}. */
    public JsonObject next(String type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no '" + type + "' frame within " + timeout);
            }
            JsonObject frame = next(Duration.ofNanos(left));
            if (type.equals(frame.get("type").getAsString())) {
                return frame;
            }
        }
    }

    /** Every frame received during {@code wait} that matches. */
    public List<JsonObject> collect(Duration wait, Predicate<JsonObject> filter) {
        List<JsonObject> matching = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return matching;
                }
                JsonObject frame = frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame != null && filter.test(frame)) {
                    matching.add(frame);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return matching;
        }
    }

    public int awaitClosed(Duration timeout) {
        try {
            if (!closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("not closed within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return closeCode;
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
    }

    @Override
    public void onMessage(String message) {
        frames.add(Json.parseObject(message));
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
        closeCode = code;
        closed.countDown();
    }

    @Override
    public void onError(Exception ex) {
    }
}
