package chitchat.launcher;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * The client's files, as a browser wants them: revalidated cheaply ({@code ETag} and {@code Last-Modified}, answered
 * 304 when unchanged) and gzipped when they are text.
 *
 * <p>The JDK's {@code SimpleFileServer} handler serves files well but does neither: every reload sent every byte
 * again, uncompressed (about 100 KB of JavaScript and CSS that gzip makes a quarter of). The files have no version
 * in their names (no build step), so they are sent {@code Cache-Control: no-cache}: a browser keeps them and asks
 * each time whether they changed, which costs a 304 of a few bytes, and a new deploy is seen at once.
 *
 * <p>What is served is kept as narrow as {@code SimpleFileServer} keeps it: regular files under the root only, never
 * through a symbolic link out of it, nothing hidden (no path segment starting with a dot), no listings (a path
 * ending in {@code /} is its {@code index.html}, and a directory's name without it is redirected there, as the JDK's
 * handler does), GET and HEAD only. A compressed copy is kept per file while its
 * size and modification time stay the same.
 */
final class StaticFiles implements HttpHandler {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("png", "image/png"), Map.entry("ico", "image/x-icon"), Map.entry("woff2", "font/woff2"));
    /** Types worth compressing: text. Images and fonts are compressed already. */
    private static final java.util.Set<String> COMPRESSIBLE = java.util.Set.of("html", "js", "mjs", "css", "json", "webmanifest", "svg", "txt");
    /** Below this a gzip header and a round of deflate cost more than they save. */
    private static final int MIN_COMPRESSED_BYTES = 512;
    private static final int MAX_CACHED_FILES = 256;
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private record Compressed(long size, long modified, byte[] bytes) {
    }

    private final Path root;
    private final Path realRoot;
    private final Map<Path, Compressed> compressed = new ConcurrentHashMap<>();

    StaticFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            this.realRoot = this.root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (isDirectory(path)) {
                // As the JDK's handler does: a directory's own address ends in "/" (its relative links need it).
                exchange.getResponseHeaders().set("Location", path + "/");
                exchange.sendResponseHeaders(301, -1);
                return;
            }
            Path file = resolve(path);
            if (file == null) {
                byte[] body = "Not found.\n".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                send(exchange, 404, method, body);
                return;
            }
            serve(exchange, method, file);
        }
    }

    private void serve(HttpExchange exchange, String method, Path file) throws IOException {
        long size = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis();
        String extension = extension(file);
        boolean gzip = COMPRESSIBLE.contains(extension) && size >= MIN_COMPRESSED_BYTES && acceptsGzip(exchange);
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified) + (gzip ? "-gz" : "") + "\"";
        var headers = exchange.getResponseHeaders();
        headers.set("ETag", etag);
        headers.set("Last-Modified", HTTP_DATE.format(Instant.ofEpochMilli(modified)));
        headers.set("Cache-Control", "no-cache");
        headers.set("Vary", "Accept-Encoding");
        if (notModified(exchange, etag, modified)) {
            exchange.sendResponseHeaders(304, -1);
            return;
        }
        headers.set("Content-Type", TYPES.getOrDefault(extension, "application/octet-stream"));
        byte[] body;
        if (gzip) {
            headers.set("Content-Encoding", "gzip");
            body = compressedCopy(file, size, modified);
        } else {
            body = Files.readAllBytes(file);
        }
        send(exchange, 200, method, body);
    }

    private static void send(HttpExchange exchange, int status, String method, byte[] body) throws IOException {
        if (method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Content-Length", String.valueOf(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Whether {@code path}, without its closing "/", names a visible directory under the root. */
    private boolean isDirectory(String path) throws IOException {
        if (path == null || path.endsWith("/") || !visible(path)) {
            return false;
        }
        Path dir = root.resolve(path.substring(1)).normalize();
        return dir.startsWith(root) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && dir.toRealPath().startsWith(realRoot);
    }

    /** The file a path names, or null when it is not one this handler may serve. */
    private Path resolve(String path) throws IOException {
        if (path == null || !visible(path)) {
            return null;
        }
        String relative = path.endsWith("/") ? path.substring(1) + "index.html" : path.substring(1);
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            return null;
        }
        if (!file.toRealPath().startsWith(realRoot) || Files.isHidden(file)) {
            return null; // a symbolic link that leads out of the root
        }
        return file;
    }

    /** An absolute path with nothing odd in it and no hidden segment (nor a "..", which starts with a dot too). */
    private static boolean visible(String path) {
        if (!path.startsWith("/") || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            return false;
        }
        for (String segment : path.substring(1).split("/")) {
            if (segment.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static boolean notModified(HttpExchange exchange, String etag, long modifiedMillis) {
        String ifNoneMatch = exchange.getRequestHeaders().getFirst("If-None-Match");
        if (ifNoneMatch != null) {
            for (String candidate : ifNoneMatch.split(",")) {
                String tag = candidate.trim();
                if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) {
                    return true;
                }
            }
            return false; // If-None-Match decides when present (RFC 9110, 13.2.2)
        }
        String ifModifiedSince = exchange.getRequestHeaders().getFirst("If-Modified-Since");
        if (ifModifiedSince == null) {
            return false;
        }
        try {
            long since = ZonedDateTime.parse(ifModifiedSince, HTTP_DATE).toInstant().toEpochMilli();
            return modifiedMillis / 1000 <= since / 1000; // HTTP dates have whole seconds
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean acceptsGzip(HttpExchange exchange) {
        String accepted = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if (accepted == null) {
            return false;
        }
        for (String coding : accepted.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = coding.trim().split(";");
            if (parts[0].trim().equals("gzip")) {
                return !(parts.length > 1 && parts[1].trim().replace(" ", "").matches("q=0(\\.0*)?"));
            }
        }
        return false;
    }

    private byte[] compressedCopy(Path file, long size, long modified) throws IOException {
        Compressed kept = compressed.get(file);
        if (kept != null && kept.size() == size && kept.modified() == modified) {
            return kept.bytes();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) Math.min(size, Integer.MAX_VALUE / 2));
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(Files.readAllBytes(file));
        }
        byte[] result = bytes.toByteArray();
        if (compressed.size() < MAX_CACHED_FILES || compressed.containsKey(file)) {
            compressed.put(file, new Compressed(size, modified, result));
        }
        return result;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
