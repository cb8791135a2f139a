package chitchat.token;

import chitchat.config.ConfigException;
import chitchat.config.Env;
import chitchat.config.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HMAC key, resolved exactly as the contract says.
 *
 * <p>{@code JWT_SECRET} when set (at least 32 bytes: an HS256 key needs 256 bits). Without it, a development
 * machine gets a random key kept in {@code DATA_DIR/jwt-secret}, so sessions survive a restart and every process
 * sharing that directory agrees on it; production ({@code APP_ENV=production}) refuses to start instead.
 */
public final class JwtSecret {

    private static final Logger log = LoggerFactory.getLogger(JwtSecret.class);
    static final int MIN_BYTES = 32;

    private final byte[] bytes;

    private JwtSecret(byte[] bytes) {
        this.bytes = bytes;
    }

    public static JwtSecret of(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new ConfigException("JWT_SECRET must be at least " + MIN_BYTES + " bytes (256 bits); generate one with: openssl rand -base64 48");
        }
        return new JwtSecret(bytes);
    }

    public static JwtSecret resolve(Env env, Path dataDir, boolean production) {
        var configured = env.optional("JWT_SECRET");
        if (configured.isPresent()) {
            return of(configured.get());
        }
        if (production) {
            throw new ConfigException("JWT_SECRET is required when APP_ENV=production (at least 32 bytes; openssl rand -base64 48)");
        }
        Path file = dataDir.resolve("jwt-secret");
        log.warn("event=dev_jwt_secret file={} hint=\"set JWT_SECRET in production\"", file);
        return of(readOrCreate(file));
    }

    private static String readOrCreate(Path file) {
        try {
            PrivateFiles.directory(file.getParent());
            if (!Files.exists(file)) {
                byte[] random = new byte[48];
                new SecureRandom().nextBytes(random);
                String secret = Base64.getEncoder().encodeToString(random);
                Path temp = PrivateFiles.file(Files.createTempFile(file.getParent(), "jwt-secret", ".tmp"));
                Files.writeString(temp, secret);
                try {
                    // Two processes starting at once on one DATA_DIR must end up with the same key.
                    Files.createLink(file, temp);
                } catch (FileAlreadyExistsException raced) {
                    // the other process won; use its key
                } finally {
                    Files.deleteIfExists(temp);
                }
            }
            PrivateFiles.file(file); // also a key an older version left readable by others
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the development JWT key in " + file + "; set JWT_SECRET or DATA_DIR", e);
        }
    }

    byte[] bytes() {
        return bytes.clone();
    }
}
