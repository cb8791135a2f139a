package chitchat.chat.messages;

import chitchat.http.ApiException;
import chitchat.http.Request;
import java.util.Optional;

/**
 * The query parameters every history page shares: {@code limit}, and the seq a page starts from.
 *
 * <p>Pages are keyset pages ({@code before=}/{@code after=} a seq or an id), which stay as fast however deep they go,
 * unlike skip/offset, and never skip or repeat a message when new ones arrive between two requests.
 */
public final class Paging {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    private Paging() {
    }

    /** {@code limit}, from 1 to {@link #MAX_LIMIT}, or {@code fallback} when absent; anything else is a 400. */
    public static int limit(Request request, int fallback) {
        Optional<String> raw = request.query("limit");
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(raw.get());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("'limit' must be a number from 1 to " + MAX_LIMIT + ".");
    }

    /** A seq parameter ({@code before}, {@code after}): a whole number from 0, or a 400. */
    public static Optional<Long> seq(Request request, String name) {
        Optional<String> raw = request.query(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            long seq = Long.parseLong(raw.get());
            if (seq >= 0) {
                return Optional.of(seq);
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ApiException.badRequest("'" + name + "' must be a message seq (a whole number from 0).");
    }
}
