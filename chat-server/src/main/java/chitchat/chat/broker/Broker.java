package chitchat.chat.broker;

import chitchat.http.Health;

/** Publish/subscribe by username. Implementations are thread-safe. */
public interface Broker extends AutoCloseable {

    /** Where a broker hands what it receives. Called on the broker's own threads; must not block. */
    interface Delivery {
        /** A payload published to {@code user}'s channel. */
        void deliver(String user, String payload);

        /** Deliveries may have been missed (the broker link was down): tell every connection to catch up. */
        void resync();

        /** As {@link #resync()}, for {@code users}' connections only (one cluster shard's users, or a moved slot's). */
        void resync(java.util.Collection<String> users);
    }

    /** {@code user}'s channel, {@code chat_<user>}: defined in {@link UserChannels}. */
    static String channel(String user) {
        return UserChannels.of(user);
    }

    /** Start receiving {@code user}'s channel (idempotent). */
    void subscribe(String user);

    /** Stop receiving {@code user}'s channel (idempotent). */
    void unsubscribe(String user);

    /**
     * Publishes to {@code user}'s channel, or queues it to be published; false when the broker cannot take it (the
     * message is stored anyway, and clients catch up from the store).
     */
    boolean publish(String user, String payload);

    /** For {@code /healthz}. */
    Health.Check health();

    /** How many user channels this instance is subscribed to, as the broker confirms it. */
    int subscriptions();

    @Override
    void close();
}
