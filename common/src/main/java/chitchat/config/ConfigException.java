package chitchat.config;

/** A setting is missing or wrong. Its message says which variable and what to set; the process stops. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
