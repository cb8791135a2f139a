package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import chitchat.testbed.WsClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No password, session token, password hash or JWT secret ever reaches a log line, whatever happens: sign-up, log-in
 * (right, wrong, throttled, malformed), requests and WebSocket handshakes with valid, forged and refused tokens, a
 * password sent where a username belongs. Surefire sends this JVM's server logs to one file, with Chit-Chat's loggers
 * at debug, more than production logs; this test reads it.
 */
@Timeout(120)
class LogSecrecyTest {

    @Test
    void noSecretReachesTheLog() throws IOException {
        String logFile = System.getProperty("chitchat.serverLog");
        assumeTrue(logFile != null, "run by Maven (surefire routes the server log to a file)");
        Path log = Path.of(logFile);

        String password = "pw-" + UUID.randomUUID();
        String wrongPassword = "wrong-" + UUID.randomUUID();
        String misplaced = "misplaced-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> tokens = new ArrayList<>();
        try (TestSite site = TestSite.start()) {
            String token = site.signup("logcheck", password);
            tokens.add(token);
            String other = site.signup("logother", password + "-other");
            tokens.add(other);
            site.postJson("/api/auth/login", TestSite.credentials("logcheck", password), "Origin", site.origin());
            for (int i = 0; i < 6; i++) {
                site.postJson("/api/auth/login", TestSite.credentials("logcheck", wrongPassword)); // ends throttled
            }
            site.postJson("/api/auth/login", TestSite.credentials("nosuchuser", wrongPassword));
            site.postJson("/api/auth/signup", "{\"username\":\"" + misplaced + "\",\"password\":{\"p\":\"" + password + "\"}}");
            site.postJson("/api/auth/signup", "{\"username\":\"" + password + "\",\"password\":\"" + password + "\"}");
            site.postJson("/api/auth/login", TestSite.credentials(misplaced, password), "Origin", "https://evil.example");
            site.post("/api/auth/login", "text/plain", TestSite.credentials("logcheck", password));
            site.postJson("/api/auth/login", "{\"username\":\"logcheck\",\"password\":\"" + password + "\"", "Origin", site.origin());

            site.get("/api/auth/me", "Cookie", "token=" + token);
            site.get("/api/messages?with=logother", "Authorization", "Bearer " + token);
            site.get("/api/messages?with=" + password, "Authorization", "Bearer " + token);
            for (String forged : ForgedTokens.all("logcheck", token, TestSite.SECRET)) {
                tokens.add(forged);
                site.get("/api/auth/me", "Authorization", "Bearer " + forged);
                site.ws(Map.of("Cookie", "token=" + forged, "Origin", site.origin())).open();
            }
            site.ws(Map.of("Cookie", "token=" + token, "Origin", "https://evil.example")).open();
            site.ws("/ws?token=" + token, Map.of()).open();
            WsClient socket = site.browserSocket(token);
            socket.chat("logother", "hello", "log-1");
            socket.next("ack", Duration.ofSeconds(5));
            socket.send("{\"type\":\"chat msg\",\"receiver\":\"" + password + "\",\"message\":\"x\",\"clientMsgId\":\"log-2\"}");
            socket.next("error", Duration.ofSeconds(5));
            socket.close();
        }

        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(logged.contains("event="), "the log file holds the servers' lines: " + log);
        for (String secret : List.of(password, wrongPassword, TestSite.SECRET, "$2a$", "$2b$")) {
            assertFalse(logged.contains(secret), "logged: " + secret);
        }
        for (String token : tokens) {
            if (token.length() > 20) {
                String signature = token.substring(token.lastIndexOf('.') + 1);
                assertFalse(logged.contains(token), "a token was logged");
                if (signature.length() > 10) {
                    assertFalse(logged.contains(signature), "a token's signature was logged");
                }
            }
        }
    }
}
