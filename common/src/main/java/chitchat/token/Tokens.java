package chitchat.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import chitchat.users.Usernames;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Issues and verifies session tokens. Thread-safe; build one per process.
 *
 * <p>A token is an identity only when it is signed with the key (HS256 only), unexpired, names a valid username in
 * its canonical form, and is not revoked. Each token carries a random {@code jti}, its session's id, so that
 * logging out can revoke exactly that session, and {@code iat_ms}, its issue time in milliseconds, so that "log out
 * everywhere" can cut off every earlier token without also catching a login in the same second ({@code iat} has
 * whole seconds). Tokens from before these claims still verify: their id is their signature, their issue time
 * {@code iat}.
 */
public final class Tokens {

    /**
     * Who a valid token names, until when, which session it is ({@code id}: the {@code jti}, or the signature for a
     * token without one) and when it was issued ({@code iat_ms}, or {@code iat} for a token without it).
     */
    public record Session(String username, Instant expiresAt, String id, Instant issuedAt) {
    }

    static final String ISSUED_AT_MILLIS = "iat_ms";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;
    /** Consulted by {@link #verify} when set ({@link #checking}); null for a process without a store (tools, tests). */
    private final Revocations revocations;

    public Tokens(JwtSecret secret, Duration lifetime) {
        this(secret, lifetime, Clock.systemUTC());
    }

    public Tokens(JwtSecret secret, Duration lifetime, Clock clock) {
        this(Algorithm.HMAC256(secret.bytes()), lifetime, clock, null);
    }

    private Tokens(Algorithm algorithm, Duration lifetime, Clock clock, Revocations revocations) {
        this.algorithm = algorithm;
        // The verifier accepts HS256 only and requires sub, iat and exp, as every token issued here has them:
        // anything else is rejected by java-jwt itself.
        this.verifier = JWT.require(algorithm).withClaimPresence("exp").withClaimPresence("sub").withClaimPresence("iat").build();
        this.lifetime = lifetime;
        this.clock = clock;
        this.revocations = revocations;
    }

    /** These tokens, refusing from now on every session that {@code revocations} says has ended. */
    public Tokens checking(Revocations revocations) {
        return new Tokens(algorithm, lifetime, clock, revocations);
    }

    /** The revocation list {@link #verify} consults, if any: where logging out records a session's end. */
    public Optional<Revocations> revocations() {
        return Optional.ofNullable(revocations);
    }

    /**
     * The token service every process builds the same way from the same settings: the secret as the contract
     * says ({@link JwtSecret}) and a lifetime of {@code JWT_TTL_HOURS} (default 24).
     */
    public static Tokens configured(chitchat.config.Env env, chitchat.config.Config config) {
        JwtSecret secret = JwtSecret.resolve(env, config.dataDir(), config.production());
        return new Tokens(secret, Duration.ofHours(env.integer("JWT_TTL_HOURS", 24, 1, 24 * 30)));
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String issue(String username) {
        return issue(username, clock.instant());
    }

    /**
     * A token issued after {@code cutoff} (a millisecond later at least), for the session that survives a "log out
     * everywhere" made at {@code cutoff}: a token issued in that same millisecond would count as ended.
     */
    public String issueAfter(String username, Instant cutoff) {
        Instant now = clock.instant();
        Instant after = cutoff.plusMillis(1);
        return issue(username, now.isAfter(cutoff) ? now : after);
    }

    private String issue(String username, Instant now) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return JWT.create()
                .withSubject(username)
                .withJWTId(Base64.getUrlEncoder().withoutPadding().encodeToString(id))
                .withIssuedAt(now)
                .withClaim(ISSUED_AT_MILLIS, now.toEpochMilli())
                .withExpiresAt(now.plus(lifetime))
                .sign(algorithm);
    }

    /**
     * The session a token proves, or empty for anything invalid: malformed, forged, expired, wrong algorithm, a
     * {@code sub} that is not a canonical username (an object, a number, "" or a malformed name is no one), or revoked.
     */
    public Optional<Session> verify(String token) {
        if (token == null || token.isEmpty() || token.length() > 4096) {
            return Optional.empty();
        }
        try {
            DecodedJWT jwt = verifier.verify(token);
            if (jwt.getExpiresAtAsInstant().isBefore(clock.instant())) {
                return Optional.empty(); // java-jwt checks exp against the system clock; tests use their own
            }
            // asString() is null for a sub that is not a JSON string; getSubject() would make "" of an object.
            String subject = jwt.getClaim("sub").asString();
            if (subject == null || !Usernames.canonical(subject).filter(subject::equals).isPresent()) {
                return Optional.empty();
            }
            Session session = new Session(subject, jwt.getExpiresAtAsInstant(), sessionId(jwt), issuedAt(jwt));
            return revocations != null && revocations.revoked(session) ? Optional.empty() : Optional.of(session);
        } catch (JWTVerificationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String sessionId(DecodedJWT jwt) {
        String jti = jwt.getId();
        return jti != null && !jti.isEmpty() ? jti : "sig:" + jwt.getSignature(); // a token from before jti
    }

    private static Instant issuedAt(DecodedJWT jwt) {
        Claim millis = jwt.getClaim(ISSUED_AT_MILLIS);
        if (millis.asLong() != null) {
            return Instant.ofEpochMilli(millis.asLong());
        }
        return jwt.getIssuedAtAsInstant(); // required by the verifier
    }
}
