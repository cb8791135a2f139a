package chitchat.chat.conversations;

import java.util.Collection;

/**
 * Sends one server-to-client frame to every connection of some users, on whichever instance they are: one publish
 * per user on their channel {@code chat_<user>} (the broker pipelines them).
 *
 * <p>Per-user channels rather than one per group, because a connection then subscribes to exactly one channel
 * whatever groups its user is in, and membership changes never touch subscriptions. The price is one publish per
 * member per message, which docs/PROTOCOL.md weighs against a channel per group.
 */
@FunctionalInterface
public interface Fanout {
    void publish(Collection<String> users, String payload);
}
