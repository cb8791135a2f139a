package chitchat.chat;

import chitchat.chat.metrics.ChatMetrics;
import chitchat.chat.conversations.Conversations;
import chitchat.chat.conversations.Fanout;
import chitchat.chat.messages.Message;
import chitchat.chat.messages.MessageStore;
import chitchat.chat.presence.Presence;
import chitchat.chat.protocol.ErrorCode;
import chitchat.chat.protocol.Frames;
import chitchat.chat.protocol.Inbound;
import chitchat.chat.protocol.InvalidFrame;
import chitchat.chat.ws.Connection;
import chitchat.json.Json;
import chitchat.users.KnownUsers;
import chitchat.users.Usernames;
import com.mongodb.MongoException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server does with each frame a client sends; above all, a message's journey: number it, store it, ack
 * it, publish it to every member.
 *
 * <p>The order is the delivery promise. Nothing is acked before it is stored, so an acked message survives any
 * crash after; nothing is published before it is stored, so what a member sees live is also in history. The
 * sender is the connection's authenticated user, never a field of the frame, and the members a message goes to
 * are the ones the store returned with its number ({@link MessageStore.Saved#members()}), so a member removed a
 * moment before gets nothing of it. Runs on the sending connection's virtual thread, which never waits for the store
 * to write: a message is handed to the store's group commit and answered when it is written, a mark to the mark
 * writer, a typing notice's member lookup to a thread of its own. (Only a v1 message to a name not seen before, and
 * a {@code watch}, read the store on the connection's thread.)
 */
public final class Relay implements Connection.Handler {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /** A user's typing notice is relayed at most this often per conversation; clients send one every 3 s. */
    private static final long TYPING_INTERVAL_NANOS = 2_000_000_000L;

    private final MessageStore messages;
    private final Conversations conversations;
    private final KnownUsers users;
    private final Fanout fanout;
    private final ChatMetrics metrics;
    private final Presence presence;
    /**
     * Typing notices whose members are being looked up, at most this many at once on their own virtual threads: off
     * the connection's thread, so that a slow store holds up no frame behind a notice, and bounded, so that a stuck
     * store cannot gather threads. Past it a notice is dropped: one that arrives late is worth nothing anyway.
     */
    private static final int MAX_TYPING_LOOKUPS = 256;
    private final java.util.concurrent.Semaphore typingLookups = new java.util.concurrent.Semaphore(MAX_TYPING_LOOKUPS);
    /** Lines logged for store failures: a few a second, the rest only counted. */
    private final chitchat.ratelimit.TokenBucket failureLogs = new chitchat.ratelimit.TokenBucket(2, 10);
    private final java.util.concurrent.atomic.AtomicLong unloggedFailures = new java.util.concurrent.atomic.AtomicLong();
    /** When each (conversation, user) last had a typing notice relayed; pruned as it grows. */
    private final Map<String, Long> lastTyping = new ConcurrentHashMap<>();

    public Relay(MessageStore messages, Conversations conversations, KnownUsers users, Fanout fanout, ChatMetrics metrics, Presence presence) {
        this.messages = messages;
        this.conversations = conversations;
        this.users = users;
        this.fanout = fanout;
        this.metrics = metrics;
        this.presence = presence;
    }

    @Override
    public void handle(Connection from, String frame) {
        metrics.received();
        Inbound inbound;
        try {
            inbound = Inbound.parse(frame);
        } catch (InvalidFrame e) {
            reject(from, e.code(), e.getMessage(), e.clientMsgId());
            return;
        }
        switch (inbound) {
            case Inbound.ChatToConversation chat -> send(from, chat.conversation(), chat.message(), chat.clientMsgId(), false);
            case Inbound.ChatToUser chat -> sendToUser(from, chat);
            case Inbound.Read read -> mark(from, read.conversation(), read.seq(), true, frame);
            case Inbound.Delivered delivered -> mark(from, delivered.conversation(), delivered.seq(), false, frame);
            case Inbound.Typing typing -> typing(from, typing.conversation(), frame);
            case Inbound.Watch watch -> presence.watch(from, watch.users());
        }
    }

    /** v1: a message to a person goes to your direct conversation with them, which is created if need be. */
    private void sendToUser(Connection from, Inbound.ChatToUser chat) {
        String receiver = Usernames.canonical(chat.receiver()).orElse(null);
        if (receiver == null || receiver.equals(from.user())) {
            reject(from, ErrorCode.INVALID_RECEIVER, "Choose someone else to write to.", chat.clientMsgId());
            return;
        }
        try {
            if (!users.exists(receiver)) {
                reject(from, ErrorCode.UNKNOWN_RECEIVER, "There is no user named " + receiver + ".", chat.clientMsgId());
                return;
            }
        } catch (MongoException e) {
            storeFailed(from, chat.clientMsgId(), e);
            return;
        }
        send(from, Message.directId(from.user(), receiver), chat.message(), chat.clientMsgId(), true);
    }

    /**
     * Hands the message to the store and goes on: the ack and the publish follow when its batch is written (on the
     * store's writer thread, where nothing may block: both only queue). So a connection keeps reading while the
     * store is slow, and a client within its rate limit is never closed because the server fell behind.
     */
    private void send(Connection from, String conversation, String text, String clientMsgId, boolean createDirect) {
        String sender = from.user();
        String receiver = Message.directPartner(conversation, sender);
        try {
            // A direct conversation with a deleted account is read-only: its history stays, nobody reads new messages.
            // From memory once the partner is known (forgotten when the deletion is polled).
            if (receiver != null && !createDirect && !users.exists(receiver)) {
                reject(from, ErrorCode.UNKNOWN_RECEIVER, "That account was deleted.", clientMsgId);
                return;
            }
        } catch (MongoException e) {
            storeFailed(from, clientMsgId, e);
            return;
        }
        long started = System.nanoTime();
        from.inFlight(() -> messages.submit(new MessageStore.Draft(conversation, sender, receiver, text, clientMsgId, createDirect))
                .whenComplete((saved, error) -> {
                    metrics.storeTimer().record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                    try {
                        if (error != null) {
                            refused(from, clientMsgId, MessageStore.failure(error));
                        } else {
                            stored(from, saved);
                        }
                    } catch (RuntimeException e) {
                        log.error("event=answer_failed user={} clientMsgId={} error=\"{}\"", sender, clientMsgId, e.toString(), e);
                    }
                }));
    }

    /** Stored: ack it to its connection, then publish it to every member (the sender's other devices included). */
    private void stored(Connection from, MessageStore.Saved saved) {
        Frames.ChatMessage stored = saved.message().frame();
        from.rememberOwn(stored.clientMsgId());
        from.send(Frames.ack(stored));
        metrics.acked();
        if (saved.duplicate() && saved.members().isEmpty()) {
            return; // a re-send: acked again with the same id and seq, delivered nothing twice
        }
        String payload = Json.write(stored);
        metrics.publishTimer().record(() -> fanout.publish(saved.members(), payload));
    }

    private void refused(Connection from, String clientMsgId, RuntimeException failure) {
        if (failure instanceof MessageStore.NotMember) {
            reject(from, ErrorCode.NOT_FOUND, "There is no such conversation.", clientMsgId);
        } else if (failure instanceof MessageStore.Overloaded overloaded) {
            metrics.rejected(ErrorCode.OVERLOADED.wire());
            from.send(Frames.overloaded(clientMsgId, overloaded.retryAfterMillis()));
        } else if (failure instanceof MongoException mongo) {
            storeFailed(from, clientMsgId, mongo);
        } else {
            throw failure;
        }
    }

    /**
     * Hands the mark to the mark writer, which checks the membership and writes it with others a moment later; a
     * non-member is answered then. {@code frame} is the raw frame, for the clientMsgId an error must name.
     */
    private void mark(Connection from, String conversation, long seq, boolean read, String frame) {
        conversations.mark(from.user(), conversation, seq, read,
                () -> reject(from, ErrorCode.NOT_FOUND, "There is no such conversation.", Inbound.clientMsgIdOf(frame)));
    }

    /** Relays "typing" to the other members, at most every {@link #TYPING_INTERVAL_NANOS}; extra ones vanish silently. */
    private void typing(Connection from, String conversation, String frame) {
        String key = conversation + "#" + from.user();
        long now = System.nanoTime();
        Long last = lastTyping.get(key);
        if (last != null && now - last < TYPING_INTERVAL_NANOS) {
            return;
        }
        lastTyping.put(key, now);
        if (lastTyping.size() > 100_000) {
            lastTyping.entrySet().removeIf(e -> now - e.getValue() > TYPING_INTERVAL_NANOS);
        }
        if (!typingLookups.tryAcquire()) {
            metrics.rejected("typing_dropped");
            return;
        }
        Thread.ofVirtual().name("typing-" + from.user()).start(() -> {
            try {
                conversations.membersFor(conversation, from.user()).ifPresentOrElse(
                        members -> fanout.publish(others(members, from.user()), Frames.typing(conversation, from.user())),
                        () -> reject(from, ErrorCode.NOT_FOUND, "There is no such conversation.", Inbound.clientMsgIdOf(frame)));
            } catch (RuntimeException e) {
                log.debug("event=typing_dropped user={} conversation={} error={}", from.user(), conversation, e.getClass().getSimpleName());
            } finally {
                typingLookups.release();
            }
        });
    }

    private static List<String> others(List<String> members, String user) {
        return members.stream().filter(m -> !m.equals(user)).toList();
    }

    private void storeFailed(Connection from, String clientMsgId, MongoException e) {
        // At most a few lines a second: when the store is down every message fails, and a line for each would make
        // the log (a synchronised stream) one more thing the server waits for. The count says what was left out.
        if (failureLogs.tryTake()) {
            long alsoFailed = unloggedFailures.getAndSet(0);
            log.warn("event=store_failed sender={} clientMsgId={} error=\"{}\" code={} also_failed={}", from.user(), clientMsgId, e, e.getCode(), alsoFailed);
        } else {
            unloggedFailures.incrementAndGet();
        }
        reject(from, ErrorCode.STORE_UNAVAILABLE, "Your message was not sent; please try again.", clientMsgId);
    }

    private void reject(Connection from, ErrorCode code, String message, String clientMsgId) {
        metrics.rejected(code.wire());
        from.send(Frames.error(code, message, clientMsgId));
    }
}
