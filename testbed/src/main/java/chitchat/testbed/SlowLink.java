package chitchat.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP link on loopback between a service and its store that can be made slow, or stopped for a while: what a
 * store under load, or one in a long pause, looks like from the service's side.
 *
 * <p>Tests of backpressure need a store that is slow on purpose, and a real one: the service keeps its real driver
 * and the store its real wire protocol, and only the time between them changes. Requests (bytes towards the store)
 * are held back: each chunk by {@link #delay}, and all of them while {@link #hold held}. Answers pass at once, so a
 * request's extra time is the delay, once.
 */
public final class SlowLink implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private boolean held; // guarded by gate
    private volatile long delayMillis;
    private volatile boolean closed;

    private SlowLink(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("slow-link-accept").start(this::accept);
    }

    /** A link to {@code host:port} (loopback only), listening on a free loopback port. */
    public static SlowLink to(String host, int port) {
        InetSocketAddress target = new InetSocketAddress(host, port);
        if (target.getAddress() == null || !target.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("a test link only leads to loopback, not " + host);
        }
        try {
            return new SlowLink(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every request chunk waits this long before it goes on (zero: none). */
    public void delay(Duration delay) {
        this.delayMillis = delay.toMillis();
    }

    /** Requests stop here until {@link #release}; the connections stay open. */
    public void hold() {
        synchronized (gate) {
            held = true;
        }
    }

    public void release() {
        synchronized (gate) {
            held = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket store = new Socket();
                store.connect(target, 3000);
                sockets.add(client);
                sockets.add(store);
                Thread.ofVirtual().name("slow-link-request").start(() -> pump(client, store, true));
                Thread.ofVirtual().name("slow-link-answer").start(() -> pump(store, client, false));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("[slow-link] accept failed: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean request) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (request) {
                    awaitOpen();
                    long delay = delayMillis;
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed: close the other (below)
        } finally {
            quietly(from);
            quietly(to);
        }
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (held && !closed) {
                gate.wait(100);
            }
        }
    }

    private void quietly(Socket socket) {
        sockets.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        release();
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.forEach(this::quietly);
    }
}
