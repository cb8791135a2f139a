package chitchat.chat.ws;

import chitchat.token.Revocations;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the WebSockets of sessions that have ended (logout, "log out everywhere") with 1008 "session ended".
 *
 * <p>The handshake already refuses a revoked token, but a socket opened before the logout would otherwise live on
 * until its token expires, up to a day. {@link Revocations} runs this whenever it learns of new revocations (at
 * once for one made in this process, within its poll interval for one made on another instance), and it walks
 * this instance's connections: a few thousand map lookups per logout batch, on the revocations thread, which never
 * blocks on a client (a close only queues a frame).
 */
public final class RevokedSessionCloser implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RevokedSessionCloser.class);

    private final ConnectionRegistry registry;
    private final Revocations revocations;

    public RevokedSessionCloser(ConnectionRegistry registry, Revocations revocations) {
        this.registry = registry;
        this.revocations = revocations;
    }

    @Override
    public void run() {
        int closed = 0;
        for (Connection connection : registry.all()) {
            if (revocations.revoked(connection.session())) {
                connection.close(CloseFrame.POLICY_VALIDATION, "session ended");
                closed++;
            }
        }
        if (closed > 0) {
            log.info("event=ws_sessions_ended closed={}", closed);
        }
    }
}
