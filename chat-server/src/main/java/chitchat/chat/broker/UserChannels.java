package chitchat.chat.broker;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The one definition of a user's channel name, {@code chat_<username>}, both ways: every broker names a channel
 * with {@link #of} and reads a user back with {@link #userOf}, so the prefix and its length live here only.
 */
final class UserChannels {

    private static final String PREFIX = "chat_";

    private UserChannels() {
    }

    static String of(String user) {
        return PREFIX + user;
    }

    /** The user whose channel this is; empty for the broker's own channels (control, keepalive). */
    static Optional<String> userOf(String channel) {
        return channel.startsWith(PREFIX) ? Optional.of(channel.substring(PREFIX.length())) : Optional.empty();
    }

    /** The users of those of {@code channels} that are user channels. */
    static List<String> usersOf(Collection<String> channels) {
        return channels.stream().flatMap(c -> userOf(c).stream()).toList();
    }
}
