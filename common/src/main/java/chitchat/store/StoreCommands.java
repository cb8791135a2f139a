package chitchat.store;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many commands this process sent the store, by command and collection: the round trips behind each message,
 * mark and conversation update, which the benchmark divides by messages delivered ("store writes per message").
 *
 * <p>A driver {@link CommandListener} rather than counters at each call site: it sees every round trip, the bulk
 * writes' split into several commands included, without touching the code that writes. It costs a switch on two
 * strings and a striped add per command (the driver builds the event whether or not anyone counts), and keeps no
 * state per request. The names are a fixed set, so the meters can be registered up front.
 */
public final class StoreCommands implements CommandListener {

    /** The commands counted apart; anything else counts as {@code other}. */
    public static final List<String> COMMANDS = List.of("insert", "update", "delete", "findAndModify", "find", "aggregate", "other");
    /** The collections counted apart; anything else (users, sessions, presence...) counts as {@code other}. */
    public static final List<String> COLLECTIONS = List.of("messages", "conversations", "memberships", "other");

    private final LongAdder[] counts = new LongAdder[COMMANDS.size() * COLLECTIONS.size()];

    StoreCommands() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        String name = event.getCommandName();
        int command = COMMANDS.indexOf(name);
        if (command < 0) {
            command = COMMANDS.size() - 1;
        }
        // The collection is the value of the command's own key ({"insert": "messages", ...}).
        var value = event.getCommand().get(name);
        int collection = value != null && value.isString() ? COLLECTIONS.indexOf(value.asString().getValue()) : -1;
        if (collection < 0) {
            collection = COLLECTIONS.size() - 1;
        }
        counts[command * COLLECTIONS.size() + collection].increment();
    }

    /** Commands sent so far, of one of {@link #COMMANDS} to one of {@link #COLLECTIONS}. */
    public long count(String command, String collection) {
        return counts[COMMANDS.indexOf(command) * COLLECTIONS.size() + COLLECTIONS.indexOf(collection)].sum();
    }
}
