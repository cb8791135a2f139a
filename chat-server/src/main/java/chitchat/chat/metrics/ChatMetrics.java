package chitchat.chat.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * The chat-server's meters, named once: what an operator graphs and what the benchmarks read.
 * Counters are cheap (a striped add), so they are updated on the hot path.
 */
public final class ChatMetrics {

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter sent;
    private final Counter acks;
    private final Counter published;
    private final Counter publishFailed;
    private final Counter slowConsumers;
    private final Timer store;
    private final Timer publish;

    public ChatMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.received = Counter.builder("chat_messages_in").description("chat msg frames received").register(registry);
        this.sent = Counter.builder("chat_frames_out").description("frames written to WebSockets").register(registry);
        this.acks = Counter.builder("chat_acks").description("acks sent (messages stored)").register(registry);
        this.published = Counter.builder("chat_publishes").description("broker publishes").register(registry);
        this.publishFailed = Counter.builder("chat_publish_failures").description("publishes the broker did not take").register(registry);
        this.slowConsumers = Counter.builder("chat_slow_consumer_disconnects").description("connections closed for not reading").register(registry);
        this.store = Timer.builder("chat_store_latency").description("time to store a message").publishPercentiles(0.5, 0.99).register(registry);
        this.publish = Timer.builder("chat_broker_publish_latency").description("time to hand a message to the broker (Redis publishes are queued and pipelined)").publishPercentiles(0.5, 0.99).register(registry);
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        io.micrometer.core.instrument.Gauge.builder(name, value).description(description).register(registry);
    }

    /**
     * {@code chat_store_commands_total{command, collection}}: the store's round trips, read from the driver's own
     * counts when scraped, so nothing is added to the paths that write.
     */
    public void storeCommands(chitchat.store.StoreCommands commands) {
        for (String command : chitchat.store.StoreCommands.COMMANDS) {
            for (String collection : chitchat.store.StoreCommands.COLLECTIONS) {
                io.micrometer.core.instrument.FunctionCounter.builder("chat_store_commands", commands, c -> c.count(command, collection))
                        .description("commands sent to the store").tags("command", command, "collection", collection).register(registry);
            }
        }
    }

    public void received() {
        received.increment();
    }

    public void sent() {
        sent.increment();
    }

    public void acked() {
        acks.increment();
    }

    public void published(boolean ok) {
        (ok ? published : publishFailed).increment();
    }

    public void slowConsumerClosed() {
        slowConsumers.increment();
    }

    public void rejected(String reason) {
        registry.counter("chat_frames_rejected", "reason", reason).increment();
    }

    public Timer storeTimer() {
        return store;
    }

    public Timer publishTimer() {
        return publish;
    }
}
