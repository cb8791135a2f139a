package chitchat.bench;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.java_websocket.exceptions.WebsocketNotConnectedException;

/**
 * The connected users of one scenario, and what they do with the frames they get: shared by the throughput ladder,
 * the cold phase and the group fan-out, so that all three count deliveries, acks and errors the same way.
 *
 * <p>User {@code i} is connected to instance {@code i % instances}. Every received {@code chat msg}, {@code ack} and
 * {@code error} is matched to its step and message by its {@code clientMsgId} ({@code <step>.<seq>.<µs>}, see
 * {@link Step}); a group message's receiver is told apart by its index among the users ({@code slot}). With
 * {@link BrowserMarks} attached, deliveries also feed the marks a browser would send back.
 */
final class LoadClients implements AutoCloseable {

    private static final int HANDSHAKES_IN_FLIGHT = 200;
    /** Users per instance above which they connect from several source addresses (the server allows 512 per address). */
    private static final int PER_ADDRESS = 400;

    private final List<Api.User> users;
    private final Map<String, Integer> indexOf = new HashMap<>();
    private final boolean group;
    /** Every step so far, by index, so that receivers can find the step a clientMsgId names. */
    final List<Step> steps = new CopyOnWriteArrayList<>();
    final long epochNanos = System.nanoTime();
    private List<ChatClient> clients = List.of();
    private volatile BrowserMarks marks;
    /**
     * Messages sent and not yet acked, by clientMsgId, so that one refused as {@code overloaded} can be sent again
     * after the server's {@code retryAfterMs} (plus jitter), as the browser client does: a saturated server's
     * refusals then show as latency (measured from the first scheduled send), not as loss.
     */
    private final Map<String, Unacked> unacked = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService resender = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bench-resend").daemon().factory());

    private record Unacked(ChatClient sender, String frame) {
    }

    /** {@code group}: deliveries are counted per receiver (a group message has many), not once per message. */
    LoadClients(List<Api.User> users, boolean group) {
        this.users = users;
        this.group = group;
        for (int i = 0; i < users.size(); i++) {
            indexOf.put(users.get(i).name(), i);
        }
    }

    /**
     * Connects every user to its instance, on virtual threads, at most {@link #HANDSHAKES_IN_FLIGHT} handshakes at a
     * time; fails (closing what did connect) if any cannot. More than {@link #PER_ADDRESS} users on one instance
     * (the realistic shape's thousands) are spread over source addresses 127.0.0.2 ... ({@code --source-addresses}),
     * since the chat-server allows 512 connections per client address ({@code WS_MAX_CONNECTIONS_PER_ADDRESS}).
     */
    LoadClients connect(List<String> wsUrls, int sourceAddresses) throws Exception {
        int instances = wsUrls.size();
        boolean spread = users.size() / instances > PER_ADDRESS;
        List<ChatClient> connected = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            Api.User u = users.get(i);
            ChatClient c = new ChatClient(URI.create(wsUrls.get(i % instances)), u.name(), u.token(), this::onFrame);
            if (spread) {
                c.bindTo(InetAddress.getByName("127.0.0." + (2 + (i / instances) % sourceAddresses)));
            }
            connected.add(c);
        }
        clients = connected;
        Semaphore inFlight = new Semaphore(HANDSHAKES_IN_FLIGHT);
        String failed = null;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var opened = connected.stream().map(c -> threads.submit(() -> {
                inFlight.acquire();
                try {
                    return c.open(30_000);
                } finally {
                    inFlight.release();
                }
            })).toList();
            for (int i = 0; i < opened.size() && failed == null; i++) {
                if (!opened.get(i).get()) {
                    failed = "user " + users.get(i).name() + " could not connect to " + connected.get(i).getURI();
                }
            }
        }
        if (failed != null) {
            close(); // the others would stay open through the next scenario
            throw new IllegalStateException(failed);
        }
        return this;
    }

    void attach(BrowserMarks browserMarks) {
        this.marks = browserMarks;
    }

    List<ChatClient> clients() {
        return clients;
    }

    ChatClient client(int i) {
        return clients.get(i);
    }

    Api.User user(int i) {
        return users.get(i);
    }

    int size() {
        return users.size();
    }

    /** Sends a frame; false (and counted as a failed send) when the connection is gone. */
    boolean send(Step step, int seq, long dueNanos, ChatClient sender, String frame) {
        try {
            String id = FrameFields.get(frame, "clientMsgId");
            if (id != null) {
                unacked.put(id, new Unacked(sender, frame));
            }
            sender.send(frame);
            step.sent.increment();
            step.sendLag.record(dueNanos, System.nanoTime());
            return true;
        } catch (WebsocketNotConnectedException e) {
            step.sendFailed.increment();
            return false;
        }
    }

    int closed() {
        return (int) clients.stream().filter(c -> c.closeCode() != -1).count();
    }

    /** How many connections were closed, by close code and reason ("1008 too many messages in flight"; 1006: dropped). */
    Map<String, Long> closeCodes() {
        Map<String, Long> codes = new TreeMap<>();
        clients.stream().filter(c -> c.closeCode() != -1)
                .forEach(c -> codes.merge((c.closeCode() + " " + c.closeReason()).trim(), 1L, Long::sum));
        return codes;
    }

    /** Close times of the closed connections, in nanoTime, for the cold phase's windows. */
    List<Long> closeTimes() {
        return clients.stream().filter(c -> c.closeCode() != -1).map(ChatClient::closedAtNanos).toList();
    }

    /** Every frame any client receives: a delivery, an ack or an error, for the step its clientMsgId names. */
    private void onFrame(ChatClient client, String frame) {
        long now = System.nanoTime();
        String type = FrameFields.get(frame, "type");
        BrowserMarks m = marks;
        if (m != null && type != null) {
            m.onFrame(client, type, frame);
        }
        String id = FrameFields.get(frame, "clientMsgId");
        if (type == null || id == null) {
            return; // receipts, typing, system messages; a resync is counted by what then goes missing
        }
        Step step;
        int seq;
        long scheduled;
        try {
            String[] parts = id.split("\\.");
            step = steps.get(Integer.parseInt(parts[0]));
            seq = Integer.parseInt(parts[1]);
            scheduled = epochNanos + Long.parseLong(parts[2]) * 1000;
        } catch (RuntimeException e) {
            return; // not one of ours: an exception here would reach Java-WebSocket and close the connection
        }
        switch (type) {
            case "chat msg" -> {
                if (group) {
                    step.delivered(seq, indexOf.getOrDefault(client.user(), -1), scheduled, now);
                } else if (client.user().equals(FrameFields.get(frame, "receiver"))) {
                    step.delivered(seq, scheduled, now);
                } else {
                    step.misrouted.increment();
                }
            }
            case "ack" -> {
                unacked.remove(id);
                step.acked(seq, scheduled, now);
            }
            case "error" -> {
                String code = FrameFields.get(frame, "error");
                step.error(code);
                Unacked refused = "overloaded".equals(code) ? unacked.get(id) : unacked.remove(id);
                if (refused != null && "overloaded".equals(code)) {
                    resendLater(refused, FrameFields.number(frame, "retryAfterMs"));
                }
            }
            default -> {
            }
        }
    }

    /** Sends a refused message again, the same frame (the same clientMsgId), after the hint plus up to half again. */
    private void resendLater(Unacked refused, long retryAfterMs) {
        long hint = retryAfterMs < 0 ? 3000 : Math.min(60_000, retryAfterMs);
        long delay = hint + java.util.concurrent.ThreadLocalRandom.current().nextLong(hint / 2 + 1);
        try {
            resender.schedule(() -> {
                try {
                    refused.sender().send(refused.frame());
                } catch (WebsocketNotConnectedException e) {
                    // closed meanwhile: counted by what goes missing
                }
            }, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** Closes every connection, in parallel (a close waits for the server's close frame). */
    @Override
    public void close() {
        resender.shutdownNow();
        BrowserMarks m = marks;
        if (m != null) {
            m.close();
        }
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            clients.forEach(c -> threads.execute(c::close));
        }
    }
}
