package chitchat.chat.broker;

import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brokers' own channel, {@code chitchat_control}, beside the user channels: an instance whose publishes may
 * have been lost (its queue overflowed while Redis was away) announces a resync on it, and every other instance
 * tells its connections to catch up from the store. Pub/Sub is at-most-once; the store is not.
 *
 * <p>The single-Redis broker also keeps it subscribed for good, so that its subscription never ends by itself
 * (Jedis ends the loop when no channel is left). One per broker: it knows this instance's id, so an instance does
 * not act on its own notice.
 */
final class ControlChannel {

    static final String NAME = "chitchat_control";

    private static final Logger log = LoggerFactory.getLogger(ControlChannel.class);
    private static final String RESYNC_PREFIX = "resync:";

    private final String instanceId = UUID.randomUUID().toString();

    /** What to publish on {@link #NAME} to ask every other instance to resync. */
    String resyncNotice() {
        return RESYNC_PREFIX + instanceId;
    }

    /** The instance that asked, when {@code message} on {@code channel} is another instance's resync notice. */
    Optional<String> resyncFrom(String channel, String message) {
        if (!NAME.equals(channel) || !message.startsWith(RESYNC_PREFIX) || message.equals(resyncNotice())) {
            return Optional.empty();
        }
        return Optional.of(message.substring(RESYNC_PREFIX.length()));
    }

    /** Hands what arrived on {@code channel} on: a user's payload to that user, another instance's resync notice as a resync. */
    void dispatch(String channel, String message, Broker.Delivery delivery) {
        Optional<String> user = UserChannels.userOf(channel);
        if (user.isPresent()) {
            delivery.deliver(user.get(), message);
            return;
        }
        resyncFrom(channel, message).ifPresent(from -> {
            log.info("event=cluster_resync from={}", from);
            delivery.resync();
        });
    }
}
