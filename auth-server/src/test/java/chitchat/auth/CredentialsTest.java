package chitchat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.http.ApiException;
import chitchat.json.Json;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sign-up and log-in input: the contract's username rule, and passwords of 8-72 bytes of UTF-8. */
@Timeout(10)
class CredentialsTest {

    private static JsonObject body(String username, String password) {
        JsonObject body = new JsonObject();
        body.addProperty("username", username);
        body.addProperty("password", password);
        return body;
    }

    private static void assertInvalid(JsonObject body) {
        ApiException error = assertThrows(ApiException.class, () -> Credentials.from(body));
        assertEquals(400, error.status());
        assertEquals("invalid_input", error.code());
        assertTrue(!error.getMessage().isBlank() && !error.getMessage().contains("Exception"), error.getMessage());
    }

    @Test
    void acceptsValidCredentialsAndLowerCasesTheName() {
        Credentials credentials = Credentials.from(body("Alice_1", "correct horse"));
        assertEquals("alice_1", credentials.username());
        assertEquals("correct horse", credentials.password());
    }

    @Test
    void keepsThePasswordExactlyAsSent() {
        assertEquals("  Pass Word  ", Credentials.from(body("alice", "  Pass Word  ")).password());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "abcdefghijklmnopqrstuvwxyz0123456", "al ice", "alice!", "émile", ""})
    void refusesUsernamesThatBreakTheRule(String username) {
        assertInvalid(body(username, "password1"));
    }

    @Test
    void refusesMissingFields() {
        assertInvalid(Json.parseObject("{\"password\":\"password1\"}"));
        assertInvalid(Json.parseObject("{\"username\":\"alice\"}"));
        assertInvalid(Json.parseObject("{\"username\":null,\"password\":\"password1\"}"));
        assertInvalid(Json.parseObject("{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"username\":{\"$ne\":null},\"password\":\"password1\"}",
            "{\"username\":\"alice\",\"password\":{\"$gt\":\"\"}}",
            "{\"username\":[\"alice\"],\"password\":\"password1\"}",
            "{\"username\":\"alice\",\"password\":12345678}",
            "{\"username\":\"alice\",\"password\":true}",
    })
    void refusesObjectsAndOtherTypesWhereStringsBelong(String json) {
        assertInvalid(Json.parseObject(json));
    }

    @Test
    void passwordsAreEightToSeventyTwoBytes() {
        assertInvalid(body("alice", "1234567"));
        assertEquals("12345678", Credentials.from(body("alice", "12345678")).password());
        assertEquals(72, Credentials.from(body("alice", "p".repeat(72))).password().length());
        assertInvalid(body("alice", "p".repeat(73)));
        assertInvalid(body("alice", ""));
    }

    @Test
    void theLimitsCountBytesOfUtf8NotCharacters() {
        String e36 = "é".repeat(36); // 36 characters, 72 bytes
        assertEquals(72, e36.getBytes(StandardCharsets.UTF_8).length);
        assertEquals(e36, Credentials.from(body("alice", e36)).password());
        assertInvalid(body("alice", "é".repeat(37))); // 37 characters, 74 bytes
        assertInvalid(body("alice", "p".repeat(71) + "é")); // 72 characters, 73 bytes
        assertInvalid(body("alice", "😀".repeat(19))); // 38 UTF-16 chars, 76 bytes
        assertEquals("😀".repeat(18), Credentials.from(body("alice", "😀".repeat(18))).password()); // 72 bytes

        assertEquals("éééé", Credentials.from(body("alice", "éééé")).password()); // 4 characters, 8 bytes
        assertInvalid(body("alice", "ééé")); // 6 bytes
        assertEquals("日本語", Credentials.from(body("alice", "日本語")).password().substring(0, 3)); // 9 bytes
    }
}
