package chitchat.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * nginx's copy of the page headers is the one {@link PageHeaders} generates, so the images and {@code make run}
 * send the same policy; and the dev server's extra WebSocket origin lands in {@code connect-src} only.
 */
class PageHeadersTest {

    private static final Path NGINX_CONF = Path.of("../deploy/nginx/security-headers.conf");

    @Test
    void nginxSendsTheHeadersThisClassDefines() throws Exception {
        String expected = PageHeaders.nginxConf();
        String actual = Files.readString(NGINX_CONF);
        assertEquals(expected, actual, NGINX_CONF + " differs from PageHeaders; it should read:\n" + expected);
    }

    @Test
    void theDevServersWebSocketOriginJoinsConnectSrcAlone() {
        String plain = PageHeaders.policy(null);
        String dev = PageHeaders.policy("ws://localhost:8083");
        assertTrue(plain.contains("connect-src 'self';"), plain);
        assertEquals(plain.replace("connect-src 'self';", "connect-src 'self' ws://localhost:8083;"), dev);
    }
}
