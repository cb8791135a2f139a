package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code make run} exposes by default (issue 10, finding 10): its HTTP and WebSocket ports listen on loopback
 * only, {@code /metrics} is not served, the embedded store's directory and files are the owner's alone, and a
 * static directory without {@code index.html} is a 404, not a listing. {@code BIND_ADDRESS} and {@code METRICS}
 * open them up when an operator asks.
 *
 * <p>"Loopback only" is checked by connecting to this machine's own non-loopback address (the traffic stays on the
 * machine); on a machine with no such address that part is skipped.
 */
@Timeout(60)
class DevDefaultsTest {

    private static TestSite site;

    @BeforeAll
    static void start() {
        site = TestSite.start();
    }

    @AfterAll
    static void stop() {
        site.close();
    }

    @Test
    void theHttpAndWebSocketPortsListenOnLoopbackOnly() {
        InetAddress own = nonLoopbackAddress().orElse(null);
        assumeTrue(own != null, "this machine has no non-loopback address to try");
        assertTrue(connects(InetAddress.getLoopbackAddress(), site.httpPort()), "the control: HTTP on loopback");
        assertTrue(connects(InetAddress.getLoopbackAddress(), site.wsPort()), "the control: WebSocket on loopback");
        assertFalse(connects(own, site.httpPort()), "the HTTP port answers on " + own.getHostAddress());
        assertFalse(connects(own, site.wsPort()), "the WebSocket port answers on " + own.getHostAddress());
    }

    @Test
    void bindAddressOpensBothPortsToOtherInterfaces() {
        InetAddress own = nonLoopbackAddress().orElse(null);
        assumeTrue(own != null, "this machine has no non-loopback address to try");
        try (TestSite open = TestSite.start(Map.of("BIND_ADDRESS", "0.0.0.0"))) {
            assertTrue(connects(own, open.httpPort()), "HTTP with BIND_ADDRESS=0.0.0.0");
            assertTrue(connects(own, open.wsPort()), "WebSocket with BIND_ADDRESS=0.0.0.0");
        }
    }

    @Test
    void metricsAreNotServedUnlessAskedFor() {
        HttpResponse<String> metrics = site.get("/metrics");
        assertEquals(404, metrics.statusCode(), "GET /metrics in development: " + Leaks.abbreviate(metrics.body()));
        assertFalse(metrics.body().contains("jvm_"), "metrics in the 404 body");
        assertEquals(200, site.get("/healthz").statusCode(), "the control: /healthz");
        try (TestSite withMetrics = TestSite.start(Map.of("METRICS", "on"))) {
            HttpResponse<String> on = withMetrics.get("/metrics");
            assertEquals(200, on.statusCode(), "METRICS=on");
            assertTrue(on.body().contains("jvm_"), "METRICS=on serves the registry");
        }
    }

    @Test
    void theDataDirectoryAndItsFilesAreTheOwnersAlone() throws IOException {
        assumeTrue(site.dataDir().getFileSystem().supportedFileAttributeViews().contains("posix"), "not a POSIX file system");
        assertEquals("rwx------", mode(site.dataDir()), "DATA_DIR");
        Path storeFile = site.dataDir().resolve("chitchat-store.mv.db");
        assertTrue(Files.exists(storeFile), "the embedded store's file");
        try (var files = Files.list(site.dataDir())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertEquals("rw-------", mode(file), file.getFileName().toString());
            }
        }
    }

    @Test
    void anExistingDataDirectoryAndTheDevelopmentKeyAreTightenedToo() throws IOException {
        Path dataDir = Files.createTempDirectory("chitchat-existing-data");
        try {
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x")); // as an old make run left it
            // No JWT_SECRET (blank means unset): the development key is kept in DATA_DIR/jwt-secret.
            try (TestSite dev = TestSite.start(Map.of("DATA_DIR", dataDir.toString(), "JWT_SECRET", ""))) {
                assertEquals("rwx------", mode(dataDir), "an existing DATA_DIR");
                assertEquals("rw-------", mode(dataDir.resolve("jwt-secret")), "jwt-secret");
                assertEquals("rw-------", mode(dataDir.resolve("chitchat-store.mv.db")), "the store file");
            }
        } finally {
            TestSite.deleteTree(dataDir);
        }
    }

    @Test
    void aDirectoryWithoutIndexHtmlIsNotListed() {
        HttpResponse<String> missing = site.get("/missing.js");
        for (String path : new String[] {"/js/", "/js/?sort=name", "/js/./"}) {
            HttpResponse<String> response = site.get(path);
            assertEquals(404, response.statusCode(), path + ": " + Leaks.abbreviate(response.body()));
            assertFalse(response.body().contains("app.js"), path + " lists the directory: " + Leaks.abbreviate(response.body()));
            assertEquals(missing.headers().firstValue("Content-Type"), response.headers().firstValue("Content-Type"),
                    path + ": a 404 like any other missing file's");
            assertTrue(response.headers().firstValue("Content-Security-Policy").isPresent(), path + ": security headers");
        }
        assertEquals(301, site.get("/js").statusCode(), "/js redirects to /js/ as before");
        assertEquals(200, site.get("/js/app.js").statusCode(), "the control: a file in it");
        HttpResponse<String> root = site.get("/");
        assertEquals(200, root.statusCode(), "the control: / is index.html");
        assertTrue(root.body().contains("<title>Chit-Chat</title>"), "/ is index.html");
    }

    private static String mode(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** An IPv4 address of this machine that is not loopback (an interface that is up). */
    private static Optional<InetAddress> nonLoopbackAddress() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(DevDefaultsTest::isUp)
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                    .findFirst();
        } catch (SocketException e) {
            return Optional.empty();
        }
    }

    private static boolean isUp(NetworkInterface nic) {
        try {
            return nic.isUp() && !nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }
}
