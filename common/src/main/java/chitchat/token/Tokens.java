package chitchat.token;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import chitchat.users.Usernames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Issues and verifies session tokens. Thread-safe; build one per process. */
public final class Tokens {

    /** Who a valid token names, and until when it is valid. */
    public record Session(String username, Instant expiresAt) {
    }

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;

    public Tokens(JwtSecret secret, Duration lifetime) {
        this(secret, lifetime, Clock.systemUTC());
    }

    public Tokens(JwtSecret secret, Duration lifetime, Clock clock) {
        this.algorithm = Algorithm.HMAC256(secret.bytes());
        // The verifier accepts HS256 only and requires exp: anything else is rejected by java-jwt itself.
        this.verifier = JWT.require(algorithm).withClaimPresence("exp").withClaimPresence("sub").build();
        this.lifetime = lifetime;
        this.clock = clock;
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
        Instant now = clock.instant();
        return JWT.create()
                .withSubject(username)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(lifetime))
                .sign(algorithm);
    }

    /**
     * The session a token proves, or empty for anything invalid: malformed, forged, expired, wrong algorithm, or a
     * {@code sub} that is not a canonical username (an object, a number, "" or a malformed name is no one).
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
            return Optional.of(new Session(subject, jwt.getExpiresAtAsInstant()));
        } catch (JWTVerificationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
