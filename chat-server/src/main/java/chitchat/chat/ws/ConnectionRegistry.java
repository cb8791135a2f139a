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
 * As the broker's {@link Broker.Delivery}, it hands what arrives on a channel to that user's connections.
 */
public final class ConnectionRegistry implements Broker.Delivery {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);

    private static final Draft_6455 SERVER_DRAFT = new Draft_6455();

    private final ConcurrentHashMap<String, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private volatile Broker broker;

    /** The broker is made with this registry as its delivery, so it is attached after both exist. */
    public void attach(Broker broker) {
        this.broker = broker;
    }

    void add(Connection connection) {
        byUser.compute(connection.user(), (user, connections) -> {
            if (connections == null) {
                connections = ConcurrentHashMap.newKeySet();
                broker.subscribe(user);
            }
            connections.add(connection);
            return connections;
        });
    }

    void remove(Connection connection) {
        byUser.computeIfPresent(connection.user(), (user, connections) -> {
            connections.remove(connection);
            if (connections.isEmpty()) {
                broker.unsubscribe(user);
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
