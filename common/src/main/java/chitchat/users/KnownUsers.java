package chitchat.users;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The usernames known to exist: answers "does this receiver exist?" for every message, from memory after the
 * first time (a cache over {@link UserStore}, hence the name: what it holds, not where it looks).
 * A positive answer stays true until the account is deleted: the chat-server's {@code DeletedAccounts} poller
 * calls {@link #forget} when it reads the deletion (within a poll of it, on every instance). A negative one is
 * asked again next time, since the user may sign up in a moment.
 */
public final class KnownUsers {

    private static final int MAX_CACHED = 200_000;

    private final UserStore users;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public KnownUsers(UserStore users) {
        this.users = users;
    }

    public boolean exists(String username) {
        if (known.contains(username)) {
            return true;
        }
        boolean exists = users.exists(username);
        if (exists && known.size() < MAX_CACHED) {
            known.add(username);
        }
        return exists;
    }

    /** The account was deleted: the next question about it goes to the store (which says no). */
    public void forget(String username) {
        known.remove(username);
    }
}
