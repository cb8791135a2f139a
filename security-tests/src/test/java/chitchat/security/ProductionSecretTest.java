package chitchat.security;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.auth.AuthServer;
import chitchat.chat.ChatServer;
import chitchat.config.ConfigException;
import chitchat.config.Env;
import chitchat.launcher.DevServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code APP_ENV=production} never runs on a guessable or development key: without {@code JWT_SECRET}, with a
 * blank one, or with one under 32 bytes, every process refuses to start with a {@link ConfigException} that names
 * the variable and how to make one, and a development key left in {@code DATA_DIR} is not used.
 */
@Timeout(60)
class ProductionSecretTest {

    private Path root;

    @BeforeEach
    void files() {
        root = TestSite.createSiteFiles();
    }

    @AfterEach
    void cleanUp() {
        TestSite.deleteTree(root);
    }

    /** The three ways to start a process, each given the same variables. */
    private Map<String, Consumer<Map<String, String>>> starters() {
        return Map.of(
                "DevServer", vars -> DevServer.start(vars).close(),
                "AuthServer", vars -> AuthServer.start(new Env(vars)).close(),
                "ChatServer", vars -> ChatServer.start(new Env(vars)).close());
    }

    private Map<String, String> production(String secret) {
        Map<String, String> vars = new HashMap<>(TestSite.baseEnv(root));
        vars.put("APP_ENV", "production");
        if (secret == null) {
            vars.remove("JWT_SECRET");
        } else {
            vars.put("JWT_SECRET", secret);
        }
        return vars;
    }

    @Test
    void withoutASecretEveryProcessRefusesToStartAndSaysWhatToSet() {
        starters().forEach((name, start) -> {
            ConfigException refused = assertThrows(ConfigException.class, () -> start.accept(production(null)), name);
            assertTrue(refused.getMessage().contains("JWT_SECRET"), name + ": " + refused.getMessage());
            assertTrue(refused.getMessage().contains("production"), name + ": " + refused.getMessage());
        });
    }

    @Test
    void aBlankSecretIsNoSecret() {
        starters().forEach((name, start) -> {
            ConfigException refused = assertThrows(ConfigException.class, () -> start.accept(production("   ")), name);
            assertTrue(refused.getMessage().contains("JWT_SECRET"), name + ": " + refused.getMessage());
        });
    }

    @Test
    void aSecretUnder32BytesIsRefused() {
        for (String shortSecret : new String[] {"x", "changeme", "0123456789abcdef0123456789abcde" /* 31 bytes */}) {
            starters().forEach((name, start) -> {
                ConfigException refused = assertThrows(ConfigException.class, () -> start.accept(production(shortSecret)), name);
                assertTrue(refused.getMessage().contains("JWT_SECRET"), name + ": " + refused.getMessage());
                assertTrue(refused.getMessage().contains("32"), name + " says how long: " + refused.getMessage());
            });
        }
    }

    @Test
    void aDevelopmentKeyLeftInTheDataDirectoryIsNotUsedInProduction() throws IOException {
        Path data = Files.createDirectories(root.resolve("data"));
        Files.writeString(data.resolve("jwt-secret"), "a-development-key-that-is-long-enough-0123456789");
        starters().forEach((name, start) ->
                assertThrows(ConfigException.class, () -> start.accept(production(null)), name));
    }

    @Test
    void aProperSecretStarts() {
        DevServer.start(production(TestSite.SECRET)).close();
    }

    @Test
    void aRefusedStartLeavesNoPortBound() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Map<String, String> vars = production(null);
        vars.put("HTTP_PORT", String.valueOf(port));
        assertThrows(ConfigException.class, () -> DevServer.start(vars));
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new UncheckedIOException("port " + port + " is still bound after the refused start", e);
        }
    }
}
