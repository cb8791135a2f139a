/**
 * Session tokens: HS256 JWTs that the auth-server issues and every service verifies.
 *
 * <p>One shared secret, one algorithm (RFC 8725: pin it, so a token that says {@code alg: none} or RS256 is
 * simply invalid), and only the claims the contract names: {@code sub} (the username), {@code iat}, {@code exp}.
 * Verification is local and stateless, which is what lets any number of chat-server instances authenticate a
 * WebSocket handshake without calling the auth-server.
 */
package chitchat.token;
