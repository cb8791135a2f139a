package chitchat.chat.broker;

import chitchat.http.Health;
import java.net.URI;

/**
 * The Redis Pub/Sub broker ({@code REDIS_URL}): one subscription connection for everything this instance receives
 * ({@link RedisSubscription}), one connection for publishing ({@link RedisPublisher}), and the control channel
 * ({@link ControlChannel}) that ties them together after an outage.
 *
 * <p>This class only routes: a user is subscribed by their channel ({@link UserChannels}), and when the link comes
 * (back) up, the connections here resync, since whatever was published to them before that moment did not reach
 * them (also on a first link-up, when Redis was away as the instance started); after a reconnect this instance
 * also asks every other one to resync, since its own publishes may have overflowed its queue meanwhile.
 */
public final class RedisBroker implements Broker {

    private final Delivery delivery;
    private final ControlChannel control = new ControlChannel();
    private final RedisPublisher publisher;
    private final RedisSubscription subscription;
    private boolean everConnected; // touched only on the subscription's thread

    public RedisBroker(URI uri, Delivery delivery) {
        this.delivery = delivery;
        this.publisher = new RedisPublisher(uri);
        this.subscription = new RedisSubscription(uri, (channel, message) -> control.dispatch(channel, message, delivery), this::linkUp);
    }

    /** Subscribes, and waits (briefly) for Redis to confirm: see {@link RedisSubscription#subscribe}. */
    @Override
    public void subscribe(String user) {
        subscription.subscribe(UserChannels.of(user));
    }

    @Override
    public void unsubscribe(String user) {
        subscription.unsubscribe(UserChannels.of(user));
    }

    /** Queues the publish and returns at once; false when the queue is full ({@link RedisPublisher}). */
    @Override
    public boolean publish(String user, String payload) {
        return publisher.offer(UserChannels.of(user), payload);
    }

    /** On the subscription's thread, each time the link comes up. */
    private void linkUp() {
        delivery.resync();
        if (everConnected) {
            publisher.offer(ControlChannel.NAME, control.resyncNotice());
        }
        everConnected = true;
    }

    @Override
    public Health.Check health() {
        return subscription.live() ? new Health.Check(true, "up") : new Health.Check(false, "down");
    }

    @Override
    public int subscriptions() {
        return subscription.confirmed();
    }

    @Override
    public void close() {
        subscription.close();
        publisher.close();
    }
}
