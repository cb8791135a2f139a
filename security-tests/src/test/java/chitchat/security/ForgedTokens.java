package chitchat.security;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** Tokens an attacker can make without the secret, or with the secret but the wrong algorithm (RFC 8725). */
final class ForgedTokens {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private ForgedTokens() {
    }

    /** {@code alg: none}, no signature: the oldest JWT forgery. */
    static String algNone(String subject) {
        long now = Instant.now().getEpochSecond();
        return part("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "."
                + part("{\"sub\":\"" + subject + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}") + ".";
    }

    /** A real token with its payload swapped for another subject's, the signature kept. */
    static String withOtherSubject(String token, String subject) {
        String[] parts = token.split("\\.");
        long now = Instant.now().getEpochSecond();
        return parts[0] + "." + part("{\"sub\":\"" + subject + "\",\"iat\":" + now + ",\"exp\":" + (now + 3600) + "}") + "." + parts[2];
    }

    /** Signed with a key that is not the server's. */
    static String otherKey(String subject) {
        return sign(subject, Algorithm.HMAC256("another-secret-another-secret-another-secret"));
    }

    /** Signed with the server's own key but HS512: one algorithm per key, so this is not a session. */
    static String otherAlgorithm(String subject, String secret) {
        return sign(subject, Algorithm.HMAC512(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** A header that says RS256 over an HMAC signature with the server's key (algorithm confusion). */
    static String algorithmConfusion(String token) {
        String[] parts = token.split("\\.");
        return part("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + parts[1] + "." + parts[2];
    }

    /** A valid signature but no {@code exp}: a token that would never expire. */
    static String withoutExpiry(String subject, String secret) {
        return JWT.create().withSubject(subject).withIssuedAt(Instant.now()).sign(Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** A valid signature but no {@code iat}: the contract's token always says when it was issued. */
    static String withoutIssuedAt(String subject, String secret) {
        return JWT.create().withSubject(subject).withExpiresAt(Instant.now().plusSeconds(3600)).sign(Algorithm.HMAC256(secret.getBytes(StandardCharsets.UTF_8)));
    }

    /** Every forgery of {@code subject}, given a real token of someone else and the server's secret for the algorithm cases. */
    static List<String> all(String subject, String someonesToken, String secret) {
        return List.of(algNone(subject), withOtherSubject(someonesToken, subject), otherKey(subject),
                otherAlgorithm(subject, secret), algorithmConfusion(someonesToken), withoutExpiry(subject, secret),
                withoutIssuedAt(subject, secret),
                someonesToken.substring(0, someonesToken.length() - 2) + "xx", someonesToken + ".extra", "", ".", "..");
    }

    private static String sign(String subject, Algorithm algorithm) {
        Instant now = Instant.now();
        return JWT.create().withSubject(subject).withIssuedAt(now).withExpiresAt(now.plusSeconds(3600)).sign(algorithm);
    }

    private static String part(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
