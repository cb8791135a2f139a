package chitchat.chat.broker;

import chitchat.http.Health;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.HostAndPort;

/**
 * The broker over a Redis Cluster ({@code REDIS_CLUSTER_NODES}): the same per-user channels {@code chat_<user>},
 * with sharded Pub/Sub (SSUBSCRIBE/SPUBLISH), so that a message travels only within the shard that owns its
 * channel's slot instead of being broadcast to every node, which is what lets Pub/Sub grow past one Redis.
 *
 * <p>The parts: {@link Topology} (slot to primary), one {@link ShardLink} per primary (its subscriptions), and a
 * {@link ClusterPublisher}. This class routes: it knows every user connected here ({@link #wanted}) and keeps each
 * one's channel subscribed on the link of the primary that owns it ({@link #reconcile}), which runs on the timer
 * thread when the topology may have changed (a slot moved, a link dropped) and every {@link #PERIOD_MS} anyway.
 *
 * <p>What a change costs: a moved slot resyncs only its users' connections, once they are subscribed at the new
 * owner; a failed-over primary resyncs only its shard's users, when the link to the promoted replica is up.
 * The control channel {@code chitchat_control} is one sharded channel too, so it lives on one shard; while that
 * shard is down, cluster-wide resync notices wait, and per-user delivery on the other shards goes on.
 */
public final class ClusterBroker implements Broker, ShardLink.Events {

    private static final Logger log = LoggerFactory.getLogger(ClusterBroker.class);
    /** How often each shard link is echoed, and how long without an echo before it counts as lost (three missed). */
    private static final Duration BEAT = Duration.ofSeconds(5);
    private static final Duration ECHO_DEADLINE = Duration.ofSeconds(15);
    private static final long PERIOD_MS = 5000;
    private static final long CONFIRM_MS = 3000;
    private static final long MOVED_RETRY_MS = 300;
    private static final long DOWN_CHECK_MS = 500;
    /** After this, a map that still names the old owner is believed (the slot may have moved back). */
    private static final long MOVED_TRUST_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final ControlChannel control = new ControlChannel();
    private final Delivery delivery;
    private final Topology topology;
    private final ClusterPublisher publisher;
    private final Map<HostAndPort, ShardLink> links = new ConcurrentHashMap<>();
    /** Every user with a connection here. */
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    /** A channel the server dropped: the node that dropped it, and when. */
    private record Moved(HostAndPort from, long nanos) { }

    /** Channels not to be put back on the node that dropped them while the map lags (for {@link #MOVED_TRUST_NANOS}). */
    private final Map<String, Moved> movedFrom = new ConcurrentHashMap<>();
    private final ReentrantLock routing = new ReentrantLock();
    private final AtomicBoolean reconcilePending = new AtomicBoolean();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("redis-cluster-timer").daemon().factory());
    private final Duration echoDeadline;
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("redis-cluster-heartbeat").daemon().factory());
    private volatile boolean closed;

    /** {@code topology} is shared with presence, whose keys live on the cluster too. */
    public ClusterBroker(Topology topology, Delivery delivery) {
        this(topology, delivery, BEAT, ECHO_DEADLINE);
    }

    /** With another heartbeat (every {@code beat}, a link lost after {@code echoDeadline} without echo): tests. */
    ClusterBroker(Topology topology, Delivery delivery, Duration beat, Duration echoDeadline) {
        this.delivery = delivery;
        this.topology = topology;
        this.echoDeadline = echoDeadline;
        this.publisher = new ClusterPublisher(topology, hint -> requestReconcile(hint, 0));
        timer.execute(() -> reconcile(null, true));
        timer.scheduleWithFixedDelay(() -> reconcile(null, true), PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        // Beats on a thread of their own: a reconcile waiting on a frozen node must not make healthy links overdue.
        heartbeats.scheduleWithFixedDelay(this::beat, beat.toMillis(), beat.toMillis(), TimeUnit.MILLISECONDS);
        // While a shard is down, look for its replica's promotion often, not at the dead link's backoff pace.
        timer.scheduleWithFixedDelay(() -> {
            if (links.values().stream().anyMatch(l -> !l.live())) {
                reconcile(null, true);
            }
        }, DOWN_CHECK_MS, DOWN_CHECK_MS, TimeUnit.MILLISECONDS);
        log.info("event=cluster_broker_started");
    }

    /** Subscribes at the owning primary and waits (bounded) for it to confirm, as {@link RedisBroker} does. */
    @Override
    public void subscribe(String user) {
        wanted.add(user);
        String channel = UserChannels.of(user);
        ShardLink link;
        routing.lock();
        try {
            link = linkFor(channel);
            if (link != null) {
                link.add(List.of(channel));
            }
        } finally {
            routing.unlock();
        }
        if (link != null && link.live() && !link.await(List.of(channel), CONFIRM_MS)) {
            log.warn("event=subscribe_unconfirmed user={} node={}", user, link.node());
        }
    }

    @Override
    public void unsubscribe(String user) {
        wanted.remove(user);
        List<String> channel = List.of(UserChannels.of(user));
        routing.lock();
        try {
            links.values().forEach(link -> {
                if (link.has(channel.get(0))) {
                    link.remove(channel);
                }
            });
        } finally {
            routing.unlock();
        }
    }

    @Override
    public boolean publish(String user, String payload) {
        return publisher.offer(UserChannels.of(user), payload);
    }

    /** The link of the primary owning {@code channel}, created if new; null while no topology is known. */
    private ShardLink linkFor(String channel) {
        SlotMap map = topology.current();
        HostAndPort owner = map == null ? null : map.ownerOf(channel);
        return owner == null ? null : links.computeIfAbsent(owner, node -> new ShardLink(node, topology, this, echoDeadline));
    }

    private void requestReconcile(HostAndPort hint, long delayMillis) {
        if (!closed && reconcilePending.compareAndSet(false, true)) {
            timer.schedule(() -> reconcile(hint, true), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Puts every wanted channel (and the control channel) on the link of its owner, and takes it off any other;
     * then resyncs the users whose channel moved to a link that was already up (a link coming up resyncs its own).
     */
    private void reconcile(HostAndPort hint, boolean refresh) {
        reconcilePending.set(false);
        if (closed) {
            return;
        }
        try {
            SlotMap map = refresh ? topology.refresh(hint) : topology.current();
            if (map == null) {
                return;
            }
            Map<ShardLink, List<String>> movedHere = new HashMap<>();
            boolean lagging = false;
            routing.lock();
            try {
                Set<HostAndPort> primaries = map.primaries();
                links.entrySet().removeIf(e -> {
                    if (primaries.contains(e.getKey())) {
                        return false;
                    }
                    log.info("event=shard_link_retired node={}", e.getKey());
                    e.getValue().close();
                    return true;
                });
                // A link to every primary, even one no user here needs yet: health and heartbeat cover every shard.
                primaries.forEach(p -> links.computeIfAbsent(p, node -> new ShardLink(node, topology, this, echoDeadline)));
                List<String> channels = new ArrayList<>(wanted.stream().map(Broker::channel).toList());
                channels.add(ControlChannel.NAME);
                movedFrom.keySet().retainAll(Set.copyOf(channels)); // users gone meanwhile
                for (String channel : channels) {
                    HostAndPort owner = map.ownerOf(channel);
                    Moved moved = movedFrom.get(channel);
                    if (moved != null && owner.equals(moved.from()) && System.nanoTime() - moved.nanos() < MOVED_TRUST_NANOS) {
                        lagging = true; // the map has not caught up with the move yet
                        continue;
                    }
                    movedFrom.remove(channel);
                    ShardLink link = links.computeIfAbsent(owner, node -> new ShardLink(node, topology, this, echoDeadline));
                    if (!link.has(channel)) {
                        link.add(List.of(channel));
                        if (link.live()) {
                            movedHere.computeIfAbsent(link, l -> new ArrayList<>()).add(channel);
                        }
                    }
                }
                for (ShardLink link : links.values()) {
                    List<String> stray = link.channels().stream().filter(c -> !link.node().equals(map.ownerOf(c))
                            || UserChannels.userOf(c).filter(user -> !wanted.contains(user)).isPresent()).toList();
                    if (!stray.isEmpty()) {
                        link.remove(stray);
                    }
                }
            } finally {
                routing.unlock();
            }
            movedHere.forEach((link, channels) -> {
                link.await(channels, CONFIRM_MS);
                log.info("event=channels_moved node={} channels={}", link.node(), channels.size());
                delivery.resync(UserChannels.usersOf(channels));
            });
            if (lagging) {
                requestReconcile(hint, MOVED_RETRY_MS);
            }
            if (publisher.takeOverflowed()) {
                publisher.offer(ControlChannel.NAME, control.resyncNotice());
            }
        } catch (RuntimeException e) {
            log.warn("event=cluster_reconcile_failed error=\"{}\"", e.toString());
        }
    }

    private void beat() {
        links.values().forEach(link -> {
            try {
                link.beat();
            } catch (RuntimeException e) {
                log.warn("event=shard_heartbeat_error node={} error=\"{}\"", link.node(), e.getMessage());
            }
        });
    }

    @Override
    public void message(String channel, String payload) {
        control.dispatch(channel, payload, delivery);
    }

    @Override
    public void linkUp(ShardLink link, Set<String> channels) {
        delivery.resync(UserChannels.usersOf(channels)); // what was published to them while the link was down did not reach them
    }

    @Override
    public void moved(ShardLink link, String channel) {
        movedFrom.put(channel, new Moved(link.node(), System.nanoTime()));
        requestReconcile(link.node(), 0);
    }

    @Override
    public void linkDown(ShardLink link) {
        requestReconcile(null, 0); // not the node that just failed: it is the one least likely to answer
    }

    @Override
    public Health.Check health() {
        SlotMap map = topology.current();
        if (map == null) {
            return new Health.Check(false, "down");
        }
        long down = map.primaries().stream().filter(p -> {
            ShardLink link = links.get(p);
            return link == null || !link.live();
        }).count();
        return down == 0 ? new Health.Check(true, "up") : new Health.Check(false, "down: " + down + " of " + map.primaries().size() + " shards");
    }

    @Override
    public int subscriptions() {
        int total = links.values().stream().mapToInt(ShardLink::confirmed).sum();
        boolean control = links.values().stream().anyMatch(l -> l.live() && l.has(ControlChannel.NAME));
        return Math.max(0, total - (control ? 1 : 0));
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
        heartbeats.shutdownNow();
        links.values().forEach(ShardLink::close);
        publisher.close();
    }
}
