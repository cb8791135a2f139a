package chitchat.chat.broker;

import chitchat.http.Health;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-process broker, used when {@code REDIS_URL} is unset: publishing is a direct call. Correct for a single
 * chat-server instance only, which is what {@code make run} is.
 */
public final class LocalBroker implements Broker {

    private final Delivery delivery;
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();

    public LocalBroker(Delivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public void subscribe(String user) {
        subscribed.add(user);
    }

    @Override
    public void unsubscribe(String user) {
        subscribed.remove(user);
    }

    @Override
    public boolean publish(String user, String payload) {
        if (subscribed.contains(user)) {
            delivery.deliver(user, payload);
        }
        return true;
    }

    @Override
    public Health.Check health() {
        return new Health.Check(true, "local");
    }

    @Override
    public int subscriptions() {
        return subscribed.size();
    }

    @Override
    public void close() {
        subscribed.clear();
    }
}
