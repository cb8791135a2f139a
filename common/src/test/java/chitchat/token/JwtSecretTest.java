package chitchat.token;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.config.ConfigException;
import chitchat.config.Env;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The HMAC key, as the contract says: JWT_SECRET (32+ bytes), else a dev key in DATA_DIR, never in production. */
@Timeout(20)
class JwtSecretTest {

    private static final Env NONE = new Env(Map.of());

    @TempDir
    Path dataDir;

    @Test
    void refusesAShortSecret() {
        ConfigException error = assertThrows(ConfigException.class, () -> JwtSecret.of("x".repeat(31)));
        assertTrue(error.getMessage().contains("JWT_SECRET"), error.getMessage());
        assertThrows(ConfigException.class, () -> JwtSecret.resolve(new Env(Map.of("JWT_SECRET", "too-short")), dataDir, false));
        assertThrows(ConfigException.class, () -> JwtSecret.resolve(new Env(Map.of("JWT_SECRET", "too-short")), dataDir, true));
    }

    @Test
    void countsBytesNotCharacters() {
        assertDoesNotThrow(() -> JwtSecret.of("x".repeat(32)));
        assertDoesNotThrow(() -> JwtSecret.of("é".repeat(16))); // 32 bytes of UTF-8
        assertThrows(ConfigException.class, () -> JwtSecret.of("é".repeat(15) + "x")); // 31 bytes
    }

    @Test
    void usesJwtSecretWhenSetAndWritesNoFile() {
        String secret = "configured-secret-configured-secret-0123";
        JwtSecret key = JwtSecret.resolve(new Env(Map.of("JWT_SECRET", secret)), dataDir, true);
        assertArrayEquals(secret.getBytes(StandardCharsets.UTF_8), key.bytes());
        assertFalse(Files.exists(dataDir.resolve("jwt-secret")));
    }

    @Test
    void productionWithoutJwtSecretRefusesToStart() {
        ConfigException error = assertThrows(ConfigException.class, () -> JwtSecret.resolve(NONE, dataDir, true));
        assertTrue(error.getMessage().contains("JWT_SECRET"), error.getMessage());
        assertThrows(ConfigException.class, () -> JwtSecret.resolve(new Env(Map.of("JWT_SECRET", "   ")), dataDir, true));
        assertFalse(Files.exists(dataDir.resolve("jwt-secret")), "production must not fall back to a dev key file");
    }

    @Test
    void developmentCreatesAKeyFileOnceAndReusesIt() throws Exception {
        Path file = dataDir.resolve("nested/dir/jwt-secret");
        JwtSecret first = JwtSecret.resolve(NONE, file.getParent(), false);
        assertTrue(Files.isRegularFile(file));
        String stored = Files.readString(file);
        assertTrue(stored.trim().getBytes(StandardCharsets.UTF_8).length >= 32, "the dev key is a full-strength key");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }

        JwtSecret second = JwtSecret.resolve(NONE, file.getParent(), false);
        assertArrayEquals(first.bytes(), second.bytes());
        assertEquals(stored, Files.readString(file), "the file is not rewritten");
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary files are left behind");
        }

        String token = new Tokens(first, Duration.ofHours(1)).issue("alice");
        assertTrue(new Tokens(second, Duration.ofHours(1)).verify(token).isPresent(), "sessions survive a restart");
    }

    @Test
    void separateDataDirsGetDifferentKeys(@TempDir Path otherDir) {
        assertFalse(java.util.Arrays.equals(JwtSecret.resolve(NONE, dataDir, false).bytes(),
                JwtSecret.resolve(NONE, otherDir, false).bytes()));
    }

    @Test
    void resolvesRacingOnOneDataDirAgreeOnOneKey() throws Exception {
        int racers = 8;
        CyclicBarrier start = new CyclicBarrier(racers);
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<byte[]>> keys = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                keys.add(pool.submit(() -> {
                    start.await(5, TimeUnit.SECONDS);
                    return JwtSecret.resolve(NONE, dataDir, false).bytes();
                }));
            }
            byte[] first = keys.get(0).get(10, TimeUnit.SECONDS);
            for (Future<byte[]> key : keys) {
                assertArrayEquals(first, key.get(10, TimeUnit.SECONDS));
            }
            assertArrayEquals(Files.readString(dataDir.resolve("jwt-secret")).trim().getBytes(StandardCharsets.UTF_8), first);
        } finally {
            pool.shutdownNow();
        }
    }
}
