package chitchat.launcher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The headers every file of the static client is served with, by both servers that serve it: the dev server
 * ({@link StaticSite}, {@code make run}) and nginx in the images ({@code deploy/nginx/security-headers.conf}).
 *
 * <p>This class is the one place they are written. nginx cannot read Java, so its file is generated from here
 * ({@link #nginxConf()}; run this class's {@code main} to print it) and {@code PageHeadersTest} fails, showing the
 * text to paste, whenever the file and this class disagree. A browser therefore meets the same policy in
 * development and in production, and a change to it is made once.
 *
 * <p>The policy allows only this origin's own scripts, styles and connections, no inline code (the client has
 * none), no plugins, and no framing. The dev server opens its WebSockets on a second port of the same host, which
 * {@code 'self'} does not cover, so it names that origin as an extra {@code connect-src}; behind nginx the
 * WebSocket is same-origin and nothing is added.
 */
final class PageHeaders {

    /** The directive an extra WebSocket origin joins. */
    private static final String CONNECT_SRC = "connect-src 'self'";

    /** The Content-Security-Policy's directives, in the order they are sent. */
    private static final List<String> POLICY = List.of(
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            CONNECT_SRC,
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'");

    private PageHeaders() {
    }

    /**
     * The headers, name to value, in the order they are sent. {@code extraConnectSource} (for example
     * {@code ws://localhost:8083}) joins {@code connect-src}; null adds nothing.
     */
    static Map<String, String> headers(String extraConnectSource) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Security-Policy", policy(extraConnectSource));
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Referrer-Policy", "no-referrer");
        headers.put("X-Frame-Options", "DENY"); // frame-ancestors' older spelling, for browsers without CSP 2
        return headers;
    }

    static String policy(String extraConnectSource) {
        return String.join("; ", POLICY.stream()
                .map(d -> extraConnectSource != null && d.equals(CONNECT_SRC) ? d + " " + extraConnectSource : d)
                .toList());
    }

    /** The text of {@code deploy/nginx/security-headers.conf}: the same headers as nginx directives. */
    static String nginxConf() {
        StringBuilder conf = new StringBuilder("""
                # Headers on every static response (each location includes this file: add_header in a location
                # replaces the server's). Generated from launcher/src/main/java/chitchat/launcher/PageHeaders.java,
                # the one source the dev server uses too; PageHeadersTest fails when this file differs from it.
                # To regenerate: java -cp launcher/target/classes chitchat.launcher.PageHeaders > deploy/nginx/security-headers.conf
                """);
        headers(null).forEach((name, value) -> conf.append("add_header ").append(name).append(" \"").append(value).append("\" always;\n"));
        return conf.toString();
    }

    /** Prints {@link #nginxConf()}. */
    public static void main(String[] args) {
        System.out.print(nginxConf());
    }
}
