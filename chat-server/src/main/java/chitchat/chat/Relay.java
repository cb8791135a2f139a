package chitchat.chat;

import chitchat.chat.broker.Broker;
import chitchat.chat.messages.MessageStore;
import chitchat.chat.ws.Connection;
import chitchat.chat.ws.Frames;
import chitchat.json.Json;
import chitchat.users.Usernames;
import com.mongodb.MongoException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A message's journey through the server, in order: check it, store it, ack it, publish it.
 *
 * <p>The order is the delivery promise. Nothing is acked before it is stored, so an acked message survives any
 * crash after; nothing is published before it is stored, so what a receiver sees live is also in history. The
 * sender is the connection's authenticated user, never a field of the frame. Runs on the sending connection's
 * virtual thread, where the store and broker calls may block.
 */
public final class Relay implements Connection.Handler {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);

    private final MessageStore messages;
    private final UserDirectory users;
    private final Broker broker;
    private final ChatMetrics metrics;

    public Relay(MessageStore messages, UserDirectory users, Broker broker, ChatMetrics metrics) {
        this.messages = messages;
        this.users = users;
        this.broker = broker;
        this.metrics = metrics;
    }

    @Override
    public void handle(Connection from, String frame) {
        metrics.received();
        Frames.Send send;
        try {
            send = Frames.parseSend(frame);
        } catch (Frames.Invalid e) {
            reject(from, e.code(), e.getMessage(), e.clientMsgId());
            return;
        }
        String sender = from.user();
        String receiver = Usernames.canonical(send.receiver()).orElse(null);
        if (receiver == null || receiver.equals(sender)) {
            reject(from, "invalid_receiver", "Choose someone else to write to.", send.clientMsgId());
            return;
        }

        MessageStore.Saved saved;
        try {
            if (!users.exists(receiver)) {
                reject(from, "unknown_receiver", "There is no user named " + receiver + ".", send.clientMsgId());
                return;
            }
            saved = metrics.storeTimer().record(() -> messages.save(sender, receiver, send.message(), send.clientMsgId()));
        } catch (MongoException e) {
            log.warn("event=store_failed sender={} clientMsgId={} error=\"{}\"", sender, send.clientMsgId(), e.getClass().getSimpleName());
            reject(from, "store_unavailable", "Your message was not sent; please try again.", send.clientMsgId());
            return;
        }

        from.rememberOwn(send.clientMsgId());
        from.send(Frames.ack(saved.message()));
        metrics.acked();
        if (saved.duplicate()) {
            return; // a re-send: acked again with the same id, delivered nothing twice
        }
        String payload = Json.write(Frames.chatMessage(saved.message()));
        metrics.publishTimer().record(() -> {
            metrics.published(broker.publish(receiver, payload));
            metrics.published(broker.publish(sender, payload));
        });
    }

    private void reject(Connection from, String code, String message, String clientMsgId) {
        metrics.rejected(code);
        from.send(Frames.error(code, message, clientMsgId));
    }
}
