package chitchat.config;

import java.util.Map;
import java.util.Optional;

/**
 * Typed, checked access to environment variables.
 *
 * <p>It reads from a plain map rather than {@link System#getenv()} directly so that tests and the all-in-one
 * launcher can start several servers in one JVM, each with its own settings.
 */
public record Env(Map<String, String> vars) {

    public static Env system() {
        return new Env(System.getenv());
    }

    /** The value, or empty when unset or blank (an empty variable in a compose file means "unset"). */
    public Optional<String> optional(String name) {
        String value = vars.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the allowed range
        }
        throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", got '" + raw.get() + "'");
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase()) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + raw.get() + "'");
        };
    }
}
