package chitchat.chat.messages;

import chitchat.chat.protocol.Frames;
import chitchat.http.ApiException;
import chitchat.http.Reply;
import chitchat.http.Request;
import chitchat.http.Routes;
import chitchat.token.Tokens;
import chitchat.users.Usernames;
import java.util.List;
import java.util.Optional;
import org.bson.types.ObjectId;

/**
 * v1 {@code GET /api/messages}: a direct conversation's history ({@code with=}), or everything since an id
 * ({@code after=}). v2 clients use {@code /api/conversations/{id}/messages}, paged by seq; this stays for v1 ones.
 *
 * <p>Every query is scoped to the caller: the conversation key always includes the caller's own name, and the
 * catch-up filter names the caller as sender or receiver, so no parameter can reach someone else's messages.
 * Pages are keyset pages on {@code _id} ({@code before=}, {@code after=}), which stay fast however deep they go,
 * unlike skip/offset. Each user's requests are rate-limited ({@link HistoryThrottle}): they are the costly ones.
 */
public final class HistoryApi {

    private final MessageStore messages;
    private final Tokens tokens;
    private final HistoryThrottle throttle;

    public HistoryApi(MessageStore messages, Tokens tokens, HistoryThrottle throttle) {
        this.messages = messages;
        this.tokens = tokens;
        this.throttle = throttle;
    }

    public void register(Routes routes) {
        routes.get("/api/messages", this::history);
    }

    /** The contract's shapes: {@code {"users":[a,b],"msgs":[...]}} and {@code {"msgs":[...]}}. */
    record DirectHistory(List<String> users, List<Frames.ChatMessage> msgs) {
    }

    record CatchUp(List<Frames.ChatMessage> msgs) {
    }

    private Reply history(Request request) {
        String caller = request.requireUser(tokens);
        // After authentication (the limit is per user) and before any parsing or query; held for the query.
        try (HistoryThrottle.Permit permit = throttle.acquire(caller)) {
            return history(request, caller);
        }
    }

    private Reply history(Request request, String caller) {
        Optional<String> with = request.query("with");
        if (with.isPresent()) {
            String other = Usernames.canonical(with.get()).orElseThrow(() -> ApiException.badRequest("'with' must be a username."));
            int limit = Paging.limit(request, Paging.DEFAULT_LIMIT);
            List<Message> page = messages.conversation(caller, other, id(request, "before"), limit);
            return Reply.ok(new DirectHistory(List.of(caller, other), page.stream().map(Message::frame).toList()));
        }
        int limit = Paging.limit(request, Paging.MAX_LIMIT);
        List<Message> page = messages.since(caller, id(request, "after"), limit);
        return Reply.ok(new CatchUp(page.stream().map(Message::frame).toList()));
    }

    private static Optional<ObjectId> id(Request request, String name) {
        Optional<String> raw = request.query(name);
        if (raw.isEmpty() || raw.get().isEmpty()) {
            return Optional.empty();
        }
        if (!ObjectId.isValid(raw.get())) {
            throw ApiException.badRequest("'" + name + "' must be a message id.");
        }
        return Optional.of(new ObjectId(raw.get()));
    }
}
