package chitchat.chat.ws;

import chitchat.chat.broker.Broker;
import chitchat.chat.protocol.Frames;
import chitchat.json.Json;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.Framedata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is connected to this instance: username to that user's local connections (tabs, devices).
 *
 * <p>It keeps the broker's subscriptions in step with the connections: the first connection of a user subscribes
 * to their channel and the last one to close unsubscribes. Both happen inside the map's per-key {@code compute},
 * so a connection opening while another closes can never leave a user connected but unsubscribed, or the reverse.
 * As the broker's {@link Broker.Delivery}, it hands what arrives on a channel to that user's connections; a
 * {@code presence} frame only to those of them that watch its user.
 *
 * <p>A {@link Listener} (presence) hears of a user's first and last connection here, in the same per-key step as
 * the subscription, so one user's arrivals and departures reach it in the order they happened.
 */
public final class ConnectionRegistry implements Broker.Delivery {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);

    private static final Draft_6455 SERVER_DRAFT = new Draft_6455();

    private final ConcurrentHashMap<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private volatile Broker broker;
    private volatile Listener listener = Listener.NONE;

    /** What else wants to know who is connected here: presence. Calls may block (they run on connection threads). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** {@code user} has a first connection here (called inside the registry's step for that user). */
        default void firstConnection(String user) {
        }

        /** {@code user}'s last connection here closed (called inside the registry's step for that user). */
        default void lastConnectionClosed(String user) {
        }

        /** {@code connection} closed (called before the registry's step for its user). */
        default void closed(Connection connection) {
        }
    }

    /** The broker is made with this registry as its delivery, so it is attached after both exist. */
    public void attach(Broker broker) {
        this.broker = broker;
    }

    /** Attached before the first connection is accepted. */
    public void attach(Listener listener) {
        this.listener = listener;
    }

    void add(Connection connection) {
        byUser.compute(connection.user(), (user, connections) -> {
            if (connections == null) {
                connections = ConcurrentHashMap.newKeySet();
                broker.subscribe(user);
                listener.firstConnection(user);
            }
            connections.add(connection);
            return connections;
        });
    }

    void remove(Connection connection) {
        listener.closed(connection);
        byUser.computeIfPresent(connection.user(), (user, connections) -> {
            connections.remove(connection);
            if (connections.isEmpty()) {
                broker.unsubscribe(user);
                listener.lastConnectionClosed(user);
                return null;
            }
            return connections;
        });
    }

    /**
     * A {@code chat msg} published to {@code user}'s channel: to each of their connections here, except the one
     * that sent it (which got an ack instead). The payload is sent as it came, the same string to every connection.
     */
    @Override
    public void deliver(String user, String payload) {
        Set<Connection> connections = byUser.get(user);
        if (connections == null) {
            return;
        }
        if (payload.startsWith(Frames.PRESENCE_PREFIX)) {
            deliverPresence(connections, payload);
            return;
        }
        String ownClientMsgId = sentBy(user, payload);
        // Encoded once into WebSocket frames, written to every connection: a user with several tabs costs one
        // UTF-8 encoding per message, not one per tab. The frames are used by this thread only.
        List<Framedata> frames = connections.size() > 1 ? SERVER_DRAFT.createFrames(payload, false) : null;
        for (Connection connection : connections) {
            if (!connection.sentItself(ownClientMsgId)) {
                if (frames != null) {
                    connection.send(frames);
                } else {
                    connection.send(payload);
                }
            }
        }
    }

    /** A presence change goes only to the connections that watch its user (a prefix test keeps messages unparsed). */
    private static void deliverPresence(Set<Connection> connections, String payload) {
        String watched;
        try {
            watched = Json.optionalString(Json.parseObject(payload), "user").orElse(null);
        } catch (RuntimeException e) {
            log.warn("event=bad_presence_payload");
            return;
        }
        for (Connection connection : connections) {
            if (connection.watching().contains(watched)) {
                connection.send(payload);
            }
        }
    }

    /** The clientMsgId of a payload that {@code user} sent, or null when someone else sent it. */
    private static String sentBy(String user, String payload) {
        // Most payloads on a channel come from someone else: a substring check avoids parsing them. A quote
        // inside a JSON string is always escaped, so the text of a message cannot fake this.
        if (!payload.contains("\"sender\":\"" + user + "\"")) {
            return null;
        }
        try {
            JsonObject frame = Json.parseObject(payload);
            return user.equals(Json.optionalString(frame, "sender").orElse(null))
                    ? Json.optionalString(frame, "clientMsgId").orElse(null) : null;
        } catch (RuntimeException e) {
            log.warn("event=bad_payload user={}", user);
            return null;
        }
    }

    @Override
    public void resync() {
        List<Connection> all = all();
        if (all.isEmpty()) {
            return;
        }
        log.info("event=resync connections={}", all.size());
        all.forEach(c -> c.send(Frames.RESYNC));
    }

    public List<Connection> all() {
        List<Connection> all = new ArrayList<>();
        byUser.values().forEach(all::addAll);
        return all;
    }

    public int users() {
        return byUser.size();
    }

    public int connections() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }
}
