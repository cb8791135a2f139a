import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container stack's client test (deploy/stack-test.sh runs it with the JDK's source launcher: no build,
 * no dependencies), against the stack's one origin, exactly as a browser reaches it: sign-up through nginx
 * to the auth container, WebSockets through nginx's {@code /ws} to the two chat containers, history through
 * nginx to either.
 *
 * <ol>
 *   <li><b>Across chat-servers.</b> alice and bob sign up and open two WebSockets each; nginx's
 *       {@code least_conn} spreads the four over both chat containers (the script then checks, in nginx's
 *       access log, that phase 1's sockets went to both). Each sends the other messages: every one is
 *       acked, reaches both of the receiver's sockets and the sender's other socket. So a copy crossed from
 *       one chat container to the other through Redis.</li>
 *   <li><b>A chat-server restarted under traffic.</b> Both keep sending, every 50 ms each, while the given
 *       command stops one chat container and starts it again. Sockets it held are closed (1001) and open
 *       again through nginx, to the other replica. At the end, every message that was acked must be in the
 *       receiver's hands: delivered live, or found by catch-up through
 *       {@code GET /api/conversations/{id}/messages?after=<seq>}, as the browser does after a reconnect.</li>
 * </ol>
 *
 * <p>Usage: {@code java StackClient.java ORIGIN RESTART_COMMAND...} (ORIGIN like {@code http://127.0.0.1:18080}).
 * Prints {@code PASS}/{@code FAIL} lines and what it measured; exits 1 on any failure.
 */
public final class StackClient {

    private static final String PASSWORD = "stack-test-password";
    private static final Pattern TYPE = Pattern.compile("\"type\":\"([^\"]+)\"");
    private static final Pattern CLIENT_MSG_ID = Pattern.compile("\"clientMsgId\":\"([^\"]+)\"");
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    private static String origin;
    private static URI wsUri;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static int failures;

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java StackClient.java ORIGIN RESTART_COMMAND...");
            System.exit(2);
        }
        origin = args[0].replaceAll("/$", "");
        wsUri = URI.create(origin.replaceFirst("^http", "ws") + "/ws");
        List<String> restart = List.of(args).subList(1, args.length);

        String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(10_000, 100_000));
        String alice = "alice" + suffix;
        String bob = "bob" + suffix;
        String aliceCookie = signUp(alice);
        String bobCookie = signUp(bob);
        String conversation = alice.compareTo(bob) < 0 ? alice + "|" + bob : bob + "|" + alice;

        acrossChatServers(alice, aliceCookie, bob, bobCookie);
        // nginx writes a WebSocket's access-log line when it closes: this request marks the end of phase 1's.
        Thread.sleep(1_000);
        get("/stack-test-phase-1-done", aliceCookie);
        restartUnderTraffic(alice, aliceCookie, bob, bobCookie, conversation, restart);

        System.out.println(failures == 0 ? "stack client: all passed" : "stack client: " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }

    // --- phase 1 ------------------------------------------------------------------------------------------

    private static void acrossChatServers(String alice, String aliceCookie, String bob, String bobCookie) throws Exception {
        Device a1 = Device.open("a1", aliceCookie, false);
        Device a2 = Device.open("a2", aliceCookie, false);
        Device b1 = Device.open("b1", bobCookie, false);
        Device b2 = Device.open("b2", bobCookie, false);
        check("4 WebSockets open through nginx /ws", a1.isOpen() && a2.isOpen() && b1.isOpen() && b2.isOpen(), "");
        // Each instance subscribes to a user's channel as their first socket opens there; give it a moment.
        Thread.sleep(1_500);

        List<String> fromAlice = new ArrayList<>();
        List<String> fromBob = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            fromAlice.add(a1.send(bob, "phase 1 alice->bob " + i));
            fromBob.add(b1.send(alice, "phase 1 bob->alice " + i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && !(a1.acked.keySet().containsAll(fromAlice)
                && b1.acked.keySet().containsAll(fromBob)
                && b1.received.containsAll(fromAlice) && b2.received.containsAll(fromAlice)
                && a2.received.containsAll(fromAlice)
                && a1.received.containsAll(fromBob) && a2.received.containsAll(fromBob)
                && b2.received.containsAll(fromBob))) {
            Thread.sleep(50);
        }
        check("phase 1: 20 messages acked", a1.acked.keySet().containsAll(fromAlice) && b1.acked.keySet().containsAll(fromBob),
                "acked " + countIn(a1.acked.keySet(), fromAlice) + "+" + countIn(b1.acked.keySet(), fromBob));
        check("phase 1: alice->bob on both of bob's sockets and alice's other one",
                b1.received.containsAll(fromAlice) && b2.received.containsAll(fromAlice) && a2.received.containsAll(fromAlice),
                "b1 " + countIn(b1.received, fromAlice) + ", b2 " + countIn(b2.received, fromAlice) + ", a2 " + countIn(a2.received, fromAlice) + " of 10");
        check("phase 1: bob->alice on both of alice's sockets and bob's other one",
                a1.received.containsAll(fromBob) && a2.received.containsAll(fromBob) && b2.received.containsAll(fromBob),
                "a1 " + countIn(a1.received, fromBob) + ", a2 " + countIn(a2.received, fromBob) + ", b2 " + countIn(b2.received, fromBob) + " of 10");
        for (Device d : List.of(a1, a2, b1, b2)) {
            d.close();
        }
    }

    // --- phase 2 ------------------------------------------------------------------------------------------

    private static void restartUnderTraffic(String alice, String aliceCookie, String bob, String bobCookie,
            String conversation, List<String> restart) throws Exception {
        // Two sockets each again: with least_conn, the stopped container holds at least one of the four.
        Device a1 = Device.open("a1", aliceCookie, true);
        Device a2 = Device.open("a2", aliceCookie, true);
        Device b1 = Device.open("b1", bobCookie, true);
        Device b2 = Device.open("b2", bobCookie, true);
        Thread.sleep(1_500);
        Map<String, Boolean> sentByAlice = new ConcurrentHashMap<>();
        Map<String, Boolean> sentByBob = new ConcurrentHashMap<>();
        var running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread aliceSends = Thread.ofVirtual().start(() -> traffic(running, a1, bob, "alice->bob", sentByAlice));
        Thread bobSends = Thread.ofVirtual().start(() -> traffic(running, b1, alice, "bob->alice", sentByBob));

        Thread.sleep(3_000);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(restart).inheritIO().start();
        int status = p.waitFor();
        long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        check("restart command (" + String.join(" ", restart) + ")", status == 0, "exit " + status);
        System.out.println("phase 2: restart took " + restartMs + " ms; traffic goes on for 10 s more");
        Thread.sleep(10_000);
        running.set(false);
        aliceSends.join();
        bobSends.join();
        Thread.sleep(3_000); // the last acks and deliveries

        int reconnects = a1.opens.get() + a2.opens.get() + b1.opens.get() + b2.opens.get() - 4;
        check("phase 2: sockets on the stopped chat-server reconnected", reconnects >= 1, "reconnects " + reconnects);

        Set<String> ackedByAlice = new java.util.HashSet<>(a1.acked.keySet());
        Set<String> ackedByBob = new java.util.HashSet<>(b1.acked.keySet());
        System.out.println("phase 2: alice sent " + sentByAlice.size() + ", acked " + ackedByAlice.size()
                + "; bob sent " + sentByBob.size() + ", acked " + ackedByBob.size());
        check("phase 2: messages acked while the chat-server was down and after", ackedByAlice.size() > 50 && ackedByBob.size() > 50,
                "acked " + ackedByAlice.size() + "/" + ackedByBob.size());

        // Catch-up, as the browser does after a reconnect: everything after the newest seq it holds. Here
        // from 0, which also proves "acked means stored": every acked message is in the history.
        Set<String> history = history(bobCookie, conversation);
        deliveredOrCaughtUp("bob", ackedByAlice, b1, history);
        deliveredOrCaughtUp("bob's 2nd socket", ackedByAlice, b2, history);
        deliveredOrCaughtUp("alice", ackedByBob, a1, history);
        deliveredOrCaughtUp("alice's 2nd socket", ackedByBob, a2, history);
        Set<String> allAcked = new java.util.HashSet<>(ackedByAlice);
        allAcked.addAll(ackedByBob);
        check("phase 2: every acked message is in the stored history", history.containsAll(allAcked),
                "missing " + (allAcked.size() - countIn(history, allAcked)) + " of " + allAcked.size());
        for (Device d : List.of(a1, a2, b1, b2)) {
            d.close();
        }
    }

    private static void traffic(java.util.concurrent.atomic.AtomicBoolean running, Device from, String to, String label,
            Map<String, Boolean> sent) {
        int i = 0;
        while (running.get()) {
            String id = from.send(to, "phase 2 " + label + " " + i++);
            if (id != null) {
                sent.put(id, true);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void deliveredOrCaughtUp(String who, Set<String> acked, Device device, Set<String> history) {
        int live = countIn(device.received, acked);
        Set<String> missing = new java.util.HashSet<>(acked);
        missing.removeAll(device.received);
        int caughtUp = countIn(history, missing);
        check("phase 2: " + who + " has every acked message (" + live + " live, " + caughtUp + " by catch-up)",
                caughtUp == missing.size(), (missing.size() - caughtUp) + " lost");
    }

    /** Every clientMsgId of the conversation, paging with {@code ?after=<seq>} from 0. */
    private static Set<String> history(String cookie, String conversation) throws Exception {
        Set<String> ids = new java.util.HashSet<>();
        long after = 0;
        for (int page = 0; page < 100; page++) {
            HttpResponse<String> r = get("/api/conversations/" + URLEncoder.encode(conversation, StandardCharsets.UTF_8)
                    + "/messages?after=" + after + "&limit=200", cookie);
            if (r.statusCode() == 429) {
                Thread.sleep(1_000);
                continue;
            }
            if (r.statusCode() != 200) {
                check("history page", false, r.statusCode() + " " + r.body());
                return ids;
            }
            int n = 0;
            for (String item : r.body().split("\\},\\{")) {
                Matcher c = CLIENT_MSG_ID.matcher(item);
                Matcher s = SEQ.matcher(item);
                if (c.find() && s.find()) {
                    ids.add(c.group(1));
                    after = Math.max(after, Long.parseLong(s.group(1)));
                    n++;
                }
            }
            if (n < 200) {
                return ids;
            }
        }
        return ids;
    }

    // --- HTTP -----------------------------------------------------------------------------------------------

    private static String signUp(String username) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/auth/signup"))
                .header("Content-Type", "application/json")
                .header("Origin", origin)
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\"" + PASSWORD + "\"}"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        String cookie = r.headers().allValues("set-cookie").stream()
                .filter(v -> v.startsWith("token=")).map(v -> v.split(";", 2)[0]).findFirst().orElse(null);
        check("sign-up " + username + " through nginx: 201 and a token cookie", r.statusCode() == 201 && cookie != null,
                r.statusCode() + " " + r.body());
        if (cookie == null) {
            System.exit(1);
        }
        return cookie;
    }

    private static HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(origin + path)).header("Cookie", cookie)
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(String name, boolean ok, String detail) {
        if (ok) {
            System.out.println("PASS " + name);
        } else {
            failures++;
            System.out.println("FAIL " + name + " - " + detail);
        }
    }

    private static int countIn(Set<String> set, java.util.Collection<String> items) {
        int n = 0;
        for (String item : items) {
            if (set.contains(item)) {
                n++;
            }
        }
        return n;
    }

    // --- a WebSocket, reconnecting if asked ---------------------------------------------------------------

    private static final class Device implements WebSocket.Listener {
        final String name;
        final String cookie;
        final boolean reconnect;
        final Map<String, Long> acked = new ConcurrentHashMap<>();
        final Set<String> received = ConcurrentHashMap.newKeySet();
        final AtomicInteger opens = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket socket;
        private volatile boolean closing;

        private Device(String name, String cookie, boolean reconnect) {
            this.name = name;
            this.cookie = cookie;
            this.reconnect = reconnect;
        }

        static Device open(String name, String cookie, boolean reconnect) throws InterruptedException {
            Device d = new Device(name, cookie, reconnect);
            d.connect();
            return d;
        }

        boolean isOpen() {
            WebSocket s = socket;
            return s != null && !s.isOutputClosed() && !s.isInputClosed();
        }

        private void connect() throws InterruptedException {
            while (!closing) {
                try {
                    socket = http.newWebSocketBuilder().header("Cookie", cookie).header("Origin", origin)
                            .connectTimeout(Duration.ofSeconds(5)).buildAsync(wsUri, this).get(10, TimeUnit.SECONDS);
                    opens.incrementAndGet();
                    return;
                } catch (Exception e) {
                    if (!reconnect) {
                        System.out.println(name + ": connect failed: " + e);
                        return;
                    }
                    Thread.sleep(200); // the browser backs off too; nginx meanwhile finds the live replica
                }
            }
        }

        /** Sends a v1 direct message; returns its clientMsgId, or null when the socket is not open. */
        String send(String to, String text) {
            WebSocket s = socket;
            if (s == null || !isOpen()) {
                return null;
            }
            String id = UUID.randomUUID().toString();
            String frame = "{\"type\":\"chat msg\",\"receiver\":\"" + to + "\",\"message\":\"" + text
                    + "\",\"clientMsgId\":\"" + id + "\"}";
            try {
                synchronized (this) {
                    s.sendText(frame, true).get(5, TimeUnit.SECONDS);
                }
                return id;
            } catch (Exception e) {
                return null; // not sent: it cannot be acked either
            }
        }

        void close() {
            closing = true;
            WebSocket s = socket;
            if (s != null) {
                s.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                Matcher type = TYPE.matcher(frame);
                Matcher id = CLIENT_MSG_ID.matcher(frame);
                if (type.find() && id.find()) {
                    Matcher seq = SEQ.matcher(frame);
                    switch (type.group(1)) {
                        case "ack" -> acked.put(id.group(1), seq.find() ? Long.parseLong(seq.group(1)) : -1);
                        case "chat msg" -> received.add(id.group(1));
                        default -> { }
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            gone("closed " + statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            gone("error " + error);
        }

        private void gone(String why) {
            if (closing || !reconnect) {
                return;
            }
            System.out.println(name + ": " + why + ", reconnecting");
            Thread.ofVirtual().start(() -> {
                try {
                    connect();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }
}
