package chitchat.users;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Answers "does this receiver exist?" for every message, from memory after the first time.
 * Users are never deleted, so a positive answer stays true; a negative one is asked again next time,
 * since the user may sign up in a moment.
 */
public final class UserDirectory {

    private static final int MAX_CACHED = 200_000;

    private final UserStore users;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public UserDirectory(UserStore users) {
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
}
