package chitchat.http;

import java.net.InetSocketAddress;

/**
 * Who a request or a WebSocket handshake comes from, for limits counted per client address.
 *
 * <p>Behind nginx or the ALB every connection comes from the proxy, which appends the address it saw to
 * {@code X-Forwarded-For}; only that last hop is trusted, since a client can write anything before it. Without
 * {@code TRUST_PROXY=true} the header is ignored, so a client reaching the service directly cannot choose the
 * address it is counted under.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(String forwardedFor, InetSocketAddress remote, boolean trustProxy) {
        if (trustProxy && forwardedFor != null && !forwardedFor.isBlank()) {
            String[] hops = forwardedFor.split(",");
            return hops[hops.length - 1].trim();
        }
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
