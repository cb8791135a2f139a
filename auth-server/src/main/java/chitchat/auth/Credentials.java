package chitchat.auth;

import chitchat.http.ApiException;
import chitchat.json.Json;
import chitchat.users.Usernames;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * A username and password from a sign-up or log-in body, checked against the contract's rules.
 *
 * <p>Passwords are 8-72 bytes of UTF-8: bcrypt ignores everything after byte 72, so a longer one would be
 * silently truncated; it is refused instead, and never pre-hashed (OWASP password storage).
 */
record Credentials(String username, String password) {

    static final int MIN_PASSWORD_BYTES = 8;
    static final int MAX_PASSWORD_BYTES = 72;

    static Credentials from(JsonObject body) {
        String rawName;
        String password;
        try {
            rawName = Json.string(body, "username");
            password = Json.string(body, "password");
        } catch (Json.BadJson e) {
            throw ApiException.badRequest(e.getMessage().replace("'", "") + ".");
        }
        String username = Usernames.canonical(rawName).orElseThrow(() -> ApiException.badRequest(Usernames.RULE));
        return new Credentials(username, checkedPassword(password));
    }

    /**
     * The password in {@code field} of {@code body}, by the same rule as a sign-up's (a change of password must not
     * be a way around it); a 400 otherwise.
     */
    static String password(JsonObject body, String field) {
        try {
            return checkedPassword(Json.string(body, field));
        } catch (Json.BadJson e) {
            throw ApiException.badRequest(e.getMessage().replace("'", "") + ".");
        }
    }

    private static String checkedPassword(String password) {
        int bytes = password.getBytes(StandardCharsets.UTF_8).length;
        if (bytes < MIN_PASSWORD_BYTES || bytes > MAX_PASSWORD_BYTES) {
            throw ApiException.badRequest("Passwords are " + MIN_PASSWORD_BYTES + " to " + MAX_PASSWORD_BYTES + " bytes long.");
        }
        return password;
    }
}
