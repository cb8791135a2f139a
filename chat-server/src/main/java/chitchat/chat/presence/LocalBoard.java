package chitchat.chat.presence;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The board of a single instance ({@code make run}, no {@code REDIS_URL}): everyone connected is connected here,
 * so presence is this instance's memory, and no instance can die without taking its watchers along.
 */
final class LocalBoard implements Board {

    private final Set<String> online = ConcurrentHashMap.newKeySet();
    /** Watched user to their watchers. */
    private final ConcurrentHashMap<String, Set<String>> watchers = new ConcurrentHashMap<>();

    @Override
    public boolean arrived(String user) {
        return online.add(user);
    }

    @Override
    public boolean left(String user) {
        return online.remove(user);
    }

    @Override
    public void watch(String watcher, String watched) {
        watchers.computeIfAbsent(watched, w -> ConcurrentHashMap.newKeySet()).add(watcher);
    }

    @Override
    public void unwatch(String watcher, String watched) {
        watchers.computeIfPresent(watched, (w, set) -> {
            set.remove(watcher);
            return set.isEmpty() ? null : set;
        });
    }

    @Override
    public Set<String> watchersOf(String user) {
        Set<String> set = watchers.get(user);
        return set == null ? Set.of() : Set.copyOf(set);
    }

    @Override
    public Set<String> online(Collection<String> users) {
        Set<String> result = new HashSet<>();
        users.stream().filter(online::contains).forEach(result::add);
        return result;
    }

    @Override
    public void onLost(Consumer<String> lost) {
        // nothing is ever lost: this is the only instance
    }

    @Override
    public void close() {
        online.clear();
        watchers.clear();
    }
}
