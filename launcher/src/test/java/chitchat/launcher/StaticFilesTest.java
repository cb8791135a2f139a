package chitchat.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client's files over a real loopback server: 304s for what the browser has, gzip for text, nothing else served. */
@Timeout(30)
class StaticFilesTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient(); // it never decompresses by itself
    private final String script = "export const x = 1;\n".repeat(200);

    @BeforeEach
    void start() throws Exception {
        Path root = Files.createDirectories(dir.resolve("site"));
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>t</title>");
        Files.createDirectories(root.resolve("js"));
        Files.writeString(root.resolve("js/main.js"), script);
        Files.writeString(root.resolve(".secret"), "hidden");
        Files.createDirectories(root.resolve("empty"));
        Files.writeString(dir.resolve("outside.txt"), "outside the root");
        Files.createSymbolicLink(root.resolve("link.txt"), dir.resolve("outside.txt"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", new StaticFiles(root));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aFileTheBrowserHasIsAnswered304ByItsETagOrItsDate() throws Exception {
        HttpResponse<byte[]> first = get("/js/main.js");
        assertEquals(200, first.statusCode());
        assertEquals(script, new String(first.body(), StandardCharsets.UTF_8));
        assertEquals("text/javascript; charset=utf-8", first.headers().firstValue("Content-Type").orElse(null));
        String etag = first.headers().firstValue("ETag").orElseThrow();
        String modified = first.headers().firstValue("Last-Modified").orElseThrow();
        assertEquals("no-cache", first.headers().firstValue("Cache-Control").orElse(null));

        HttpResponse<byte[]> again = get("/js/main.js", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);
        assertEquals(304, get("/js/main.js", "If-Modified-Since", modified).statusCode());
        assertEquals(200, get("/js/main.js", "If-None-Match", "\"something-else\"").statusCode());

        Files.writeString(dir.resolve("site/js/main.js"), script + "// changed\n");
        Files.setLastModifiedTime(dir.resolve("site/js/main.js"), java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertEquals(200, get("/js/main.js", "If-None-Match", etag).statusCode(), "a changed file is sent again");
    }

    @Test
    void textIsGzippedForABrowserThatTakesGzip() throws Exception {
        HttpResponse<byte[]> zipped = get("/js/main.js", "Accept-Encoding", "gzip, deflate, br");
        assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElse(null));
        assertTrue(zipped.body().length < script.length() / 4, "compressed: " + zipped.body().length + " bytes");
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertArrayEquals(script.getBytes(StandardCharsets.UTF_8), in.readAllBytes());
        }
        assertEquals("Accept-Encoding", zipped.headers().firstValue("Vary").orElse(null));
        HttpResponse<byte[]> plain = get("/js/main.js", "Accept-Encoding", "gzip;q=0, identity");
        assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
        assertEquals(script.length(), plain.body().length);
        String zippedTag = zipped.headers().firstValue("ETag").orElseThrow();
        assertTrue(!zippedTag.equals(plain.headers().firstValue("ETag").orElseThrow()), "the two encodings have their own ETags");
        assertEquals(304, get("/js/main.js", "Accept-Encoding", "gzip", "If-None-Match", zippedTag).statusCode());
    }

    /** HEAD: the headers a GET would get, its Content-Length included (per encoding), and never a body. */
    @Test
    void headAnswersGetsHeadersWithoutTheBody() throws Exception {
        HttpResponse<byte[]> get = get("/js/main.js");
        HttpResponse<byte[]> head = head("/js/main.js");
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        for (String name : new String[] {"Content-Type", "ETag", "Last-Modified", "Cache-Control", "Vary"}) {
            assertEquals(get.headers().firstValue(name), head.headers().firstValue(name), name);
        }
        assertEquals(String.valueOf(script.length()), head.headers().firstValue("Content-Length").orElse(null));

        HttpResponse<byte[]> zipped = get("/js/main.js", "Accept-Encoding", "gzip");
        HttpResponse<byte[]> zippedHead = head("/js/main.js", "Accept-Encoding", "gzip");
        assertEquals("gzip", zippedHead.headers().firstValue("Content-Encoding").orElse(null));
        assertEquals(String.valueOf(zipped.body().length), zippedHead.headers().firstValue("Content-Length").orElse(null),
                "the length of what a GET would send, compressed");
        assertEquals(zipped.headers().firstValue("ETag"), zippedHead.headers().firstValue("ETag"));
        assertEquals(0, zippedHead.body().length);

        HttpResponse<byte[]> notModified = head("/js/main.js", "If-None-Match", get.headers().firstValue("ETag").orElseThrow());
        assertEquals(304, notModified.statusCode());
        assertEquals(0, notModified.body().length);
        HttpResponse<byte[]> missing = head("/missing.js");
        assertEquals(404, missing.statusCode());
        assertEquals(0, missing.body().length);
    }

    private HttpResponse<byte[]> head(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void onlyRegularVisibleFilesUnderTheRootAreServed() throws Exception {
        assertEquals(200, get("/").statusCode(), "/ is index.html");
        assertEquals("text/html; charset=utf-8", get("/").headers().firstValue("Content-Type").orElse(null));
        for (String path : new String[] {"/.secret", "/empty/", "/link.txt", "/missing.js", "/js/../../outside.txt", "/%2e%2e/outside.txt"}) {
            HttpResponse<byte[]> response = get(path);
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertTrue(response.statusCode() >= 400, path + " answered " + response.statusCode());
            assertTrue(!body.contains("outside the root") && !body.contains("hidden"), path + " leaked: " + body);
        }
        HttpResponse<byte[]> directory = get("/empty");
        assertEquals(301, directory.statusCode(), "a directory's name is redirected to its own address");
        assertEquals("/empty/", directory.headers().firstValue("Location").orElse(null));
        assertEquals(404, get("/.git").statusCode(), "a hidden directory is not even redirected");
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }
}
