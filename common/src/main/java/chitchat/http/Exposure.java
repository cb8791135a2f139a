package chitchat.http;

import chitchat.config.ConfigException;
import chitchat.config.Env;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Who can reach a process: the address its HTTP and WebSocket servers bind to ({@code BIND_ADDRESS}), and whether
 * it serves {@code /metrics} ({@code METRICS=on|off}).
 *
 * <p>The defaults differ per process. A developer's {@code make run} (and the {@code run-cluster} gateway) binds to
 * 127.0.0.1 and keeps {@code /metrics} to itself, so a laptop on a café network exposes nothing. The services in
 * containers must listen on every interface (the container's loopback is unreachable from nginx or the ALB), and
 * keep {@code /metrics} for in-network scrapers and {@code bench/}; the deployed topologies never route it to the
 * public.
 *
 * @param bindAddress where to listen
 * @param metrics     whether {@code GET /metrics} is served
 */
public record Exposure(InetAddress bindAddress, boolean metrics) {

    /** {@code make run} and the gateway: loopback only, no {@code /metrics}. */
    public static final Exposure DEVELOPMENT = new Exposure(InetAddress.getLoopbackAddress(), false);
    /** The auth-server and chat-server: every interface, {@code /metrics} on. */
    public static final Exposure SERVICE = new Exposure(anyAddress(), true);

    /** {@code BIND_ADDRESS} and {@code METRICS}, each defaulting to {@code defaults}'. */
    public static Exposure from(Env env, Exposure defaults) {
        InetAddress bind = env.optional("BIND_ADDRESS").map(Exposure::address).orElse(defaults.bindAddress());
        boolean metrics = env.optional("METRICS").map(Exposure::onOff).orElse(defaults.metrics());
        return new Exposure(bind, metrics);
    }

    /** The address as text, for a log line or to hand on in an environment. */
    public String bindHost() {
        return bindAddress.getHostAddress();
    }

    private static InetAddress address(String raw) {
        try {
            // An IP literal is parsed without any lookup; a name (localhost) is resolved once, here.
            return InetAddress.getByName(raw);
        } catch (UnknownHostException e) {
            throw new ConfigException("BIND_ADDRESS must be an address of this machine, e.g. 127.0.0.1 or 0.0.0.0, got '" + raw + "'");
        }
    }

    private static boolean onOff(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "on", "true", "1", "yes" -> true;
            case "off", "false", "0", "no" -> false;
            default -> throw new ConfigException("METRICS must be on or off, got '" + raw + "'");
        };
    }

    /** The wildcard address, exactly what {@code new InetSocketAddress(port)} binds (IPv4 and, where there is one, IPv6). */
    private static InetAddress anyAddress() {
        return new java.net.InetSocketAddress(0).getAddress();
    }
}
