package chitchat.chat.conversations;

import chitchat.chat.messages.MessageStore;
import chitchat.config.Env;
import chitchat.http.ApiException;
import chitchat.users.Deletions;
import chitchat.users.KnownUsers;
import chitchat.users.UserStore;
import com.mongodb.client.MongoDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat-server's half of deleting an account: takes the deleted user out of every group they were in, as if
 * they had left themselves (the usual {@code left} system message, the usual promotion when the last admin goes).
 *
 * <p>The auth-server writes each deletion into the shared {@code deletions} collection ({@link Deletions}); every
 * instance polls it every {@code DELETION_POLL_MS} (default 1000), like {@code Revocations}' poll, and on each
 * entry it has not seen (a) forgets the name in its {@link KnownUsers}, so the name is refused as a receiver,
 * a new member or a direct partner from then on, and (b) if the work is not done, tries to claim it. Only the
 * instance whose claim wins does the work, so the system messages are written once however many instances race;
 * each leave is itself conditional on the membership, so an instance that dies half-way and the one that takes
 * over after the lease ({@link #LEASE}) record nothing twice. Entries still pending are read at every poll, so a
 * deletion written while every chat-server was down is done at the next start.
 *
 * <p>It acts only once the user document is a tombstone: the auth-server writes the entry first, so a deletion
 * that failed half-way (and may be asked again) never takes a live user out of their groups.
 */
public final class DeletedAccounts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DeletedAccounts.class);

    static final Duration OVERLAP = Duration.ofSeconds(10);
    static final Duration LEASE = Duration.ofSeconds(60);

    private final Deletions deletions;
    private final UserStore userStore;
    private final KnownUsers directory;
    private final Conversations conversations;
    private final GroupChanges groups;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService poller;
    private volatile Instant lastSeen;
    private volatile boolean failing;

    private DeletedAccounts(MongoDatabase database, KnownUsers directory, Conversations conversations, MessageStore messages,
                            Fanout fanout, int maxMembers, Duration pollEvery) {
        this.deletions = new Deletions(database);
        this.userStore = new UserStore(database);
        this.directory = directory;
        this.conversations = conversations;
        this.groups = new GroupChanges(conversations, messages, directory, fanout, maxMembers);
        this.lastSeen = clock.instant();
        this.poller = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("deleted-accounts").daemon().factory());
        poller.scheduleWithFixedDelay(this::poll, 0, pollEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static DeletedAccounts start(Env env, MongoDatabase database, KnownUsers directory, Conversations conversations,
                                        MessageStore messages, Fanout fanout, int maxMembers) {
        return new DeletedAccounts(database, directory, conversations, messages, fanout, maxMembers,
                Duration.ofMillis(env.integer("DELETION_POLL_MS", 1000, 50, 60_000)));
    }

    void poll() {
        try {
            Instant started = clock.instant();
            for (Deletions.Entry entry : deletions.sinceOrPending(lastSeen.minus(OVERLAP))) {
                directory.forget(entry.username());
                if (!entry.done() && !userStore.exists(entry.username()) && deletions.claim(entry.username(), clock.instant(), LEASE)) {
                    leaveEveryGroup(entry.username());
                }
            }
            lastSeen = started;
            if (failing) {
                failing = false;
                log.info("event=deletions_poll_recovered");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true; // one line per outage, not one per poll
                log.warn("event=deletions_poll_failed error=\"{}\"", e.toString());
            }
        }
    }

    /**
     * Leaves each group the user is an active member of. A group they are no longer in (404), or a direct
     * conversation (400), is skipped; a conflict (the group changed at that instant) leaves the entry unfinished,
     * and it is taken again when the lease runs out.
     */
    private void leaveEveryGroup(String user) {
        int left = 0;
        for (String id : conversations.memberships.of(user).keySet()) {
            try {
                groups.remove(user, id, user);
                left++;
            } catch (ApiException e) {
                if (e.status() == 409) {
                    log.warn("event=deleted_user_leave_conflict user={} conversation={}", user, id);
                    return;
                }
            }
        }
        deletions.finish(user, clock.instant());
        log.info("event=deleted_user_left_groups user={} groups={}", user, left);
    }

    @Override
    public void close() {
        poller.shutdownNow();
        try {
            poller.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
