package chitchat.http;

import java.util.List;

/**
 * The browser origins this deployment serves pages from ({@code ALLOWED_ORIGINS}).
 *
 * <p>Browsers attach the session cookie to requests from any site, so a request that changes something (a POST,
 * a WebSocket handshake) is accepted only when its {@code Origin} is one of these: the defence against cross-site
 * request forgery and cross-site WebSocket hijacking.
 */
public record Origins(List<String> allowed) {

    public Origins {
        allowed = List.copyOf(allowed);
    }

    public boolean allows(String origin) {
        return origin != null && allowed.contains(origin);
    }
}
