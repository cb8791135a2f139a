package chitchat.chat.broker;

import java.time.Duration;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;

/**
 * The heartbeat of one {@link ShardLink}. A subscription connection has no read timeout, so a half-open link (a
 * frozen primary, a dropped route) would hang silently; and Jedis' sharded subscriber cannot send PING (it does not
 * parse the pong). So the heartbeat SPUBLISHes {@code echo} to the link's own keepalive channel over a second, short
 * connection, and the link reports each echo it receives: no echo for {@code deadline} means the link is lost.
 * That checks the whole path, publish to delivery, not only that a socket is open.
 */
final class EchoHeartbeat {

    private final HostAndPort node;
    private final JedisClientConfig config;
    private final long deadlineNanos;
    private volatile long lastSeenNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    private volatile Jedis echo; // used by one echo thread at a time (see sending)

    EchoHeartbeat(HostAndPort node, JedisClientConfig config, Duration deadline) {
        this.node = node;
        this.config = config;
        this.deadlineNanos = deadline.toNanos();
    }

    /** An echo came back, or the link just (re)connected: the deadline starts over. */
    void seen() {
        lastSeenNanos = System.nanoTime();
    }

    boolean overdue() {
        return System.nanoTime() - lastSeenNanos > deadlineNanos;
    }

    /**
     * Publishes one echo on a virtual thread of its own, so that an echo stuck on a frozen primary (up to the 2 s
     * socket timeout) holds up no other shard's heartbeat; skipped while the previous one is still waiting (the
     * deadline will tell). A failure only closes the echo connection: the deadline decides about the link.
     */
    void send(String keepaliveChannel) {
        if (closed || !sending.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("redis-echo-" + node.getPort()).start(() -> {
            try {
                if (!closed) {
                    if (echo == null) {
                        echo = new Jedis(node, config);
                    }
                    echo.sendCommand(Protocol.Command.SPUBLISH, keepaliveChannel, "echo");
                }
            } catch (RuntimeException e) {
                closeConnection();
            } finally {
                if (closed) {
                    closeConnection();
                }
                sending.set(false);
            }
        });
    }

    /** For good (the link is retired): the echo connection is closed now, or by the echo under way. */
    void close() {
        closed = true;
        if (sending.compareAndSet(false, true)) {
            closeConnection(); // and "sending" stays set: no echo starts after this
        }
    }

    private void closeConnection() {
        Jedis connection = echo;
        echo = null;
        if (connection != null) {
            try {
                connection.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }
}
