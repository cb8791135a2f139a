package chitchat.chat.presence;

import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where presence is kept for every instance to see: on which instances each user is connected, and which users
 * watch whom. {@link Presence} calls it with this instance's changes only (a user's first or last connection
 * here, a watcher's first or last connection here that watches someone), serialized per user.
 * Implementations are thread-safe.
 */
interface Board extends AutoCloseable {

    /** {@code user} has a first connection here; true when they were connected on no instance before. */
    boolean arrived(String user);

    /** {@code user}'s last connection here closed; true when they are now connected on no instance. */
    boolean left(String user);

    /** A connection here of {@code watcher} watches {@code watched} (the first one here to do so). */
    void watch(String watcher, String watched);

    /** No connection here of {@code watcher} watches {@code watched} any more. */
    void unwatch(String watcher, String watched);

    /** The users watching {@code user} on any instance. */
    Set<String> watchersOf(String user);

    /** Which of {@code users} are connected on some instance. */
    Set<String> online(Collection<String> users);

    /**
     * Where to report users found offline without a close here: on a cluster, the users of an instance that died.
     * Called on the board's own thread.
     */
    void onLost(Consumer<String> lost);

    @Override
    void close();
}
