package chitchat.users;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The contract's username rule: 3-32 characters of {@code a-z 0-9 _ . -}, compared in lower case.
 * A name is stored in its lower-case form, which makes the unique index on it case-insensitive.
 */
public final class Usernames {

    private static final Pattern VALID = Pattern.compile("[a-z0-9_.-]{3,32}");

    public static final String RULE = "Usernames are 3-32 characters: letters, digits, '_', '.' or '-'.";

    private Usernames() {
    }

    /** The canonical (lower-case) form of {@code raw}, or empty when it breaks the rule. */
    public static Optional<String> canonical(String raw) {
        if (raw == null || raw.length() > 32) {
            return Optional.empty();
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        return VALID.matcher(lower).matches() ? Optional.of(lower) : Optional.empty();
    }
}
