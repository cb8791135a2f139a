package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import chitchat.testbed.WsClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10 (9d): a correctly signed token is an identity only when its {@code sub} is a username by the
 * contract's rule, in its canonical (lower-case) form. An object, a number, an empty or a malformed name is no
 * one: 401 on the HTTP API, and the WebSocket handshake refused. (Only the secret's holder can sign such a token,
 * but a bug or another tool signing with it must not produce a session for "".)
 */
@Timeout(60)
class TokenSubjectTest {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    /** {@code sub} values as JSON, each signed correctly with the site's key. */
    private static final List<String> SUBJECTS = List.of(
            "{\"name\":\"alice\"}", "[\"alice\"]", "12345", "true", "null", "\"\"", "\"ab\"", "\"has space\"",
            "\"a/b/c\"", "\"" + "x".repeat(33) + "\"", "\"Sub-Alice\"", "\"al\\u0000ice\"");

    @Test
    void onlyAValidUsernameIsAnIdentity() {
        try (TestSite site = TestSite.start()) {
            site.signup("sub-alice", "some-password");
            String good = signed("\"sub-alice\"");
            assertEquals(200, site.get("/api/auth/me", "Authorization", "Bearer " + good).statusCode(), "the control token works");
            for (String subject : SUBJECTS) {
                String token = signed(subject);
                Leaks.assertErrorShape("/api/auth/me with sub " + subject, site.get("/api/auth/me", "Authorization", "Bearer " + token), 401);
                Leaks.assertErrorShape("/api/users with sub " + subject, site.get("/api/users", "Cookie", "token=" + token), 401);
                Leaks.assertErrorShape("/api/messages with sub " + subject,
                        site.get("/api/messages?with=sub-alice", "Authorization", "Bearer " + token), 401);
                WsClient socket = site.ws(Map.of("Authorization", "Bearer " + token));
                try {
                    assertFalse(socket.open(), "WebSocket handshake with sub " + subject);
                } finally {
                    socket.close();
                }
            }
        }
    }

    /** An HS256 token with the site's secret, a valid iat and exp, and {@code subjectJson} as its sub. */
    static String signed(String subjectJson) {
        long now = Instant.now().getEpochSecond();
        String header = part("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = part("{\"sub\":" + subjectJson + ",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(TestSite.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + URL.encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String part(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
