package chitchat.users;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The contract's username rule: 3-32 characters of {@code a-z 0-9 _ . -}, compared in lower case.
 * A name is stored in its lower-case form, which makes the unique index on it case-insensitive.
 */
public final class Usernames {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{3,32}");

    public static final String RULE = "Usernames are 3-32 characters: letters, digits, '_', '.' or '-'.";

    private Usernames() {
    }

    /** The canonical (lower-case) form of {@code raw}, or empty when it breaks the rule. */
    public static Optional<String> canonical(String raw) {
        // Checked before lower-casing: some non-ASCII letters lower-case to ASCII (the Kelvin sign becomes 'k').
        if (raw == null || !VALID.matcher(raw).matches()) {
            return Optional.empty();
        }
        return Optional.of(raw.toLowerCase(Locale.ROOT));
    }
}
