package chitchat.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Session tokens: what {@link Tokens#issue} makes, {@link Tokens#verify} accepts, and everything else it must refuse
 * (the contract: no token, bad signature, expired, or an alg other than HS256 is 401).
 */
@Timeout(20)
class TokensTest {

    private static final String SECRET = "unit-test-secret-unit-test-secret-0123456789";
    private static final JwtSecret KEY = JwtSecret.of(SECRET);
    private static final Duration HOUR = Duration.ofHours(1);

    private final Tokens tokens = new Tokens(KEY, HOUR);

    @Test
    void verifiesWhatItIssues() {
        Instant before = Instant.now();
        String token = tokens.issue("alice");
        Tokens.Session session = tokens.verify(token).orElseThrow();
        assertEquals("alice", session.username());
        assertTrue(!session.expiresAt().isBefore(before.plus(HOUR).minusSeconds(1))
                && !session.expiresAt().isAfter(Instant.now().plus(HOUR).plusSeconds(1)), session.toString());
    }

    @Test
    void issuesHs256WithSubIatExpAndASessionId() {
        DecodedJWT jwt = JWT.decode(tokens.issue("bob"));
        assertEquals("HS256", jwt.getAlgorithm());
        assertEquals("bob", jwt.getSubject());
        assertNotNull(jwt.getIssuedAtAsInstant());
        assertEquals(HOUR, Duration.between(jwt.getIssuedAtAsInstant(), jwt.getExpiresAtAsInstant()));
        // jti names the session (logout revokes it); iat_ms lets "log out everywhere" cut off within a second.
        assertEquals(java.util.Set.of("sub", "iat", "exp", "jti", "iat_ms"), jwt.getClaims().keySet());
        assertTrue(jwt.getId().length() >= 22, "a 128-bit random id: " + jwt.getId());
        assertNotEquals(jwt.getId(), JWT.decode(tokens.issue("bob")).getId(), "every token is its own session");
    }

    @Test
    void aTokenFromBeforeSessionIdsStillVerifies() {
        String old = JWT.create().withSubject("alice").withIssuedAt(Instant.now()).withExpiresAt(Instant.now().plus(HOUR))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(KEY.bytes()));
        Tokens.Session session = tokens.verify(old).orElseThrow();
        assertEquals("alice", session.username());
        assertEquals("sig:" + old.split("\\.")[2], session.id(), "its signature names its session");
    }

    @Test
    void anotherInstanceWithTheSameSecretAccepts() {
        Tokens other = new Tokens(JwtSecret.of(SECRET), Duration.ofMinutes(5));
        assertEquals(Optional.of("alice"), other.verify(tokens.issue("alice")).map(Tokens.Session::username));
    }

    @Test
    void refusesAnExpiredToken() {
        Clock threeHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(3)), ZoneOffset.UTC);
        String expired = new Tokens(KEY, HOUR, threeHoursAgo).issue("alice");
        assertEquals(Optional.empty(), tokens.verify(expired));
    }

    @Test
    void refusesATokenExpiredByItsOwnClock() {
        String token = tokens.issue("alice"); // valid for an hour by the system clock
        Clock twoHoursAhead = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
        assertEquals(Optional.empty(), new Tokens(KEY, HOUR, twoHoursAhead).verify(token));
        assertTrue(new Tokens(KEY, HOUR, Clock.systemUTC()).verify(token).isPresent());
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() {
        String forged = new Tokens(JwtSecret.of("another-secret-another-secret-another-secret"), HOUR).issue("alice");
        assertEquals(Optional.empty(), tokens.verify(forged));
    }

    @Test
    void refusesATamperedPayload() {
        String[] parts = tokens.issue("alice").split("\\.");
        String payload = b64(json("admin", Instant.now(), Instant.now().plus(HOUR)));
        assertEquals(Optional.empty(), tokens.verify(parts[0] + "." + payload + "." + parts[2]));
    }

    @Test
    void refusesAlgNone() {
        String header = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        String payload = b64(json("alice", Instant.now(), Instant.now().plus(HOUR)));
        assertEquals(Optional.empty(), tokens.verify(header + "." + payload + "."));
        assertEquals(Optional.empty(), tokens.verify(header + "." + payload));
        for (String none : new String[] {"None", "NONE", "nOnE"}) {
            String h = b64("{\"alg\":\"" + none + "\",\"typ\":\"JWT\"}");
            assertEquals(Optional.empty(), tokens.verify(h + "." + payload + "."), none);
        }
        // alg none with a signature that is valid for HS256 over the same bytes
        assertEquals(Optional.empty(), tokens.verify(header + "." + payload + "." + hmac256(header + "." + payload)));
    }

    @Test
    void refusesAnRs256HeaderEvenWithAnHmacSignatureByTheRightKey() {
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = b64(json("alice", Instant.now(), Instant.now().plus(HOUR)));
        assertEquals(Optional.empty(), tokens.verify(header + "." + payload + "." + hmac256(header + "." + payload)));
    }

    @Test
    void refusesARealRs256Token() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var pair = generator.generateKeyPair();
        String rs256 = JWT.create().withSubject("alice").withIssuedAt(Instant.now()).withExpiresAt(Instant.now().plus(HOUR))
                .sign(Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate()));
        assertEquals(Optional.empty(), tokens.verify(rs256));
    }

    @Test
    void refusesHs512AndHs384WithTheSameSecret() {
        byte[] key = KEY.bytes();
        for (Algorithm algorithm : new Algorithm[] {Algorithm.HMAC512(key), Algorithm.HMAC384(key)}) {
            String token = JWT.create().withSubject("alice").withIssuedAt(Instant.now()).withExpiresAt(Instant.now().plus(HOUR)).sign(algorithm);
            assertEquals(Optional.empty(), tokens.verify(token), algorithm.getName());
        }
    }

    @Test
    void refusesATokenWithoutExpSubOrIat() {
        Algorithm hs256 = Algorithm.HMAC256(KEY.bytes());
        String noExp = JWT.create().withSubject("alice").withIssuedAt(Instant.now()).sign(hs256);
        String noSub = JWT.create().withIssuedAt(Instant.now()).withExpiresAt(Instant.now().plus(HOUR)).sign(hs256);
        String noIat = JWT.create().withSubject("alice").withExpiresAt(Instant.now().plus(HOUR)).sign(hs256);
        assertEquals(Optional.empty(), tokens.verify(noExp));
        assertEquals(Optional.empty(), tokens.verify(noSub));
        assertEquals(Optional.empty(), tokens.verify(noIat));
        // the same, hand-built, so the test does not depend on the library's builder
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64("{\"sub\":\"alice\",\"iat\":" + Instant.now().getEpochSecond() + "}");
        assertEquals(Optional.empty(), tokens.verify(header + "." + payload + "." + hmac256(header + "." + payload)));
    }

    @Test
    void acceptsAHandBuiltHs256Token() {
        // The control for the hand-built refusals above: the same construction with a valid alg and exp passes.
        String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = b64(json("alice", Instant.now(), Instant.now().plus(HOUR)));
        assertEquals(Optional.of("alice"),
                tokens.verify(header + "." + payload + "." + hmac256(header + "." + payload)).map(Tokens.Session::username));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "garbage", "a.b.c", "..", "eyJhbGciOiJIUzI1NiJ9..", "eyJ.eyJ.sig", "Bearer x", "{\"alg\":\"none\"}"})
    void refusesGarbage(String token) {
        assertEquals(Optional.empty(), tokens.verify(token));
    }

    @Test
    void refusesNullAndHugeTokens() {
        assertEquals(Optional.empty(), tokens.verify(null));
        assertEquals(Optional.empty(), tokens.verify("a".repeat(100_000)));
    }

    private static String json(String sub, Instant iat, Instant exp) {
        return "{\"sub\":\"" + sub + "\",\"iat\":" + iat.getEpochSecond() + ",\"exp\":" + exp.getEpochSecond() + "}";
    }

    private static String b64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String hmac256(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
