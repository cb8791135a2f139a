package chitchat.auth;

import chitchat.http.SessionToken;
import java.time.Duration;

/**
 * The {@code Set-Cookie} values that carry the session token.
 *
 * <p>HttpOnly so page scripts (and any injected script) cannot read the token; SameSite=Lax so other sites'
 * POSTs and WebSocket handshakes do not carry it; Secure when served over HTTPS ({@code COOKIE_SECURE=true}).
 */
record SessionCookie(boolean secure) {

    String issue(String token, Duration lifetime) {
        return SessionToken.COOKIE + "=" + token + attributes() + "; Max-Age=" + lifetime.toSeconds();
    }

    String clear() {
        return SessionToken.COOKIE + "=" + attributes() + "; Max-Age=0";
    }

    private String attributes() {
        return "; HttpOnly; SameSite=Lax; Path=/" + (secure ? "; Secure" : "");
    }
}
