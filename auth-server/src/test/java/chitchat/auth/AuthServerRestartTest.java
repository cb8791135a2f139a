package chitchat.auth;

import static chitchat.auth.HttpTestClient.assertError;
import static chitchat.auth.HttpTestClient.cookieValue;
import static chitchat.auth.HttpTestClient.sessionCookie;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.config.Env;
import chitchat.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defaults of a fresh machine: no MONGO_URI and no JWT_SECRET. Users and sessions live under DATA_DIR, so they
 * survive a restart of the auth-server.
 */
@Timeout(120)
class AuthServerRestartTest {

    @TempDir
    Path dataDir;

    private AuthServer start() {
        return AuthServer.start(new Env(Map.of("HTTP_PORT", "0", "BCRYPT_COST", "10", "DATA_DIR", dataDir.toString())));
    }

    @Test
    void usersAndSessionsSurviveARestart() throws Exception {
        String token;
        try (AuthServer first = start()) {
            HttpTestClient http = new HttpTestClient(first.port());
            HttpResponse<String> signup = http.signup("Persistent", "correct horse");
            assertEquals(201, signup.statusCode(), signup.body());
            token = cookieValue(sessionCookie(signup).orElseThrow());
        }
        assertTrue(Files.exists(dataDir.resolve("jwt-secret")), "the dev key is kept in DATA_DIR");
        try (var files = Files.list(dataDir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("chitchat-store")), "the store lives in DATA_DIR");
        }

        try (AuthServer second = start()) {
            HttpTestClient http = new HttpTestClient(second.port());
            HttpResponse<String> login = http.login("persistent", "correct horse");
            assertEquals(200, login.statusCode(), login.body());
            assertEquals("persistent", Json.string(HttpTestClient.json(login), "username"));
            assertError(http.login("persistent", "wrong password"), 401, "invalid_credentials");
            assertError(http.signup("PERSISTENT", "correct horse"), 409, "username_taken");

            HttpResponse<String> me = http.get("/api/auth/me", "Authorization", "Bearer " + token);
            assertEquals(200, me.statusCode(), "a session from before the restart is still valid: " + me.body());
        }
    }
}
