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
 * to their channel and the last one to close unsubscribes. Both happen under that user's own lock ({@link Slot}),
 * so a connection opening while another closes can never leave a user connected but unsubscribed, or the reverse.
 * Not inside the map's {@code compute}: subscribing is a network call (to Redis, up to seconds when it is slow),
 * and {@code compute} holds a lock on a bin of the map that other users' keys share, so their connects,
 * disconnects and deliveries would wait for it too. A user's lock holds up only that user's next connect or
 * disconnect, which must come after it anyway; the map itself is only ever changed by calls that do nothing else.
 * As the broker's {@link Broker.Delivery}, it hands what arrives on a channel to that user's connections; a
 * {@code presence} frame only to those of them that watch its user.
 *
 * <p>A {@link Listener} (presence) hears of a user's first and last connection here, under the same per-user lock as
 * the subscription, so one user's arrivals and departures reach it in the order they happened.
 */
public final class ConnectionRegistry implements Broker.Delivery {

    private static final Logger log = LoggerFactory.getLogger(ConnectionRegistry.class);

    private static final Draft_6455 SERVER_DRAFT = new Draft_6455();

    /**
     * One user's connections here, and the lock that puts their first connect and last disconnect in order. A slot
     * leaves the map when its last connection closes ({@code retired}); a connect that finds a retired slot takes a
     * fresh one, so it subscribes after the retiring unsubscribe, never before it.
     */
    private static final class Slot {
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        final Set<Connection> connections = ConcurrentHashMap.newKeySet();
        boolean retired; // guarded by lock
    }

    private final ConcurrentHashMap<String, Slot> byUser = new ConcurrentHashMap<>();
    private volatile Broker broker;
    private volatile Listener listener = Listener.NONE;

    /** What else wants to know who is connected here: presence. Calls may block (they run on connection threads). */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        /** {@code user} has a first connection here (called under the registry's lock for that user). */
        default void firstConnection(String user) {
        }

        /** {@code user}'s last connection here closed (called under the registry's lock for that user). */
        default void lastConnectionClosed(String user) {
        }

        /** {@code connection} closed (called before the registry takes the lock for its user). */
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
        String user = connection.user();
        while (true) {
            Slot slot = byUser.computeIfAbsent(user, u -> new Slot());
            slot.lock.lock();
            try {
                if (slot.retired) {
                    continue; // its last connection just closed and it left the map: take the fresh slot
                }
                if (slot.connections.isEmpty()) {
                    try {
                        broker.subscribe(user);
                        listener.firstConnection(user);
                    } catch (RuntimeException e) {
                        slot.retired = true; // an empty slot must not stay behind in the map
                        byUser.remove(user, slot);
                        throw e;
                    }
                }
                slot.connections.add(connection);
                return;
            } finally {
                slot.lock.unlock();
            }
        }
    }

    void remove(Connection connection) {
        listener.closed(connection);
        String user = connection.user();
        Slot slot = byUser.get(user);
        if (slot == null) {
            return;
        }
        slot.lock.lock();
        try {
            if (!slot.connections.remove(connection) || !slot.connections.isEmpty()) {
                return;
            }
            broker.unsubscribe(user);
            listener.lastConnectionClosed(user);
            slot.retired = true;
            byUser.remove(user, slot);
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * A {@code chat msg} published to {@code user}'s channel: to each of their connections here, except the one
     * that sent it (which got an ack instead). The payload is sent as it came, the same string to every connection.
     */
    @Override
    public void deliver(String user, String payload) {
        Slot slot = byUser.get(user);
        if (slot == null) {
            return;
        }
        Set<Connection> connections = slot.connections;
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

    /** Only {@code users}' connections catch up: a cluster shard's link came back, the others never went. */
    @Override
    public void resync(java.util.Collection<String> users) {
        int sent = 0;
        for (String user : users) {
            Slot slot = byUser.get(user);
            if (slot != null) {
                for (Connection connection : slot.connections) {
                    connection.send(Frames.RESYNC);
                    sent++;
                }
            }
        }
        if (sent > 0) {
            log.info("event=resync users={} connections={}", users.size(), sent);
        }
    }

    public List<Connection> all() {
        List<Connection> all = new ArrayList<>();
        byUser.values().forEach(slot -> all.addAll(slot.connections));
        return all;
    }

    /** Users with a connection here (a user whose first connection is being set up counts already). */
    public int users() {
        return byUser.size();
    }

    public int connections() {
        return byUser.values().stream().mapToInt(slot -> slot.connections.size()).sum();
    }
}
