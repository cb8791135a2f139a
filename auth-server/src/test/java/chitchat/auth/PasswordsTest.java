package chitchat.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.config.ConfigException;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** bcrypt hashing: round trip, the decoy for unknown users, and the OWASP minimum cost. */
@Timeout(60)
class PasswordsTest {

    private static Passwords passwords;

    @BeforeAll
    static void create() {
        passwords = new Passwords(10, 2, 16);
    }

    @Test
    void verifiesTheRightPasswordOnly() {
        String hash = passwords.hash("correct horse");
        assertTrue(passwords.matches("correct horse", hash));
        assertFalse(passwords.matches("correct horsE", hash));
        assertFalse(passwords.matches("correct hors", hash));
        assertFalse(passwords.matches("", hash));
    }

    @Test
    void storesASaltedBcryptHashOfTheConfiguredCost() {
        String first = passwords.hash("correct horse");
        String second = passwords.hash("correct horse");
        assertTrue(first.matches("\\$2[aby]\\$10\\$[./A-Za-z0-9]{53}"), first);
        assertNotEquals(first, second, "every hash has its own salt");
        assertFalse(first.contains("correct horse"));
        assertTrue(passwords.matches("correct horse", second));
        assertTrue(new Passwords(11, 1, 8).hash("correct horse").startsWith("$2a$11$"));
    }

    @Test
    void handlesMultibytePasswords() {
        String password = "é".repeat(36);
        String hash = passwords.hash(password);
        assertTrue(passwords.matches(password, hash));
        assertFalse(passwords.matches("é".repeat(35) + "e", hash));
        String emoji = "😀🔒密码パスワード";
        assertTrue(passwords.matches(emoji, passwords.hash(emoji)));
    }

    @Test
    void anUnknownUserNeverMatches() {
        assertFalse(passwords.matches("correct horse", null));
        // not even the decoy's own password
        assertFalse(passwords.matches("decoy-password-never-matches", null));
    }

    @Test
    void anUnknownUserCostsAboutAsMuchAsAWrongPassword() {
        String hash = passwords.hash("correct horse");
        passwords.matches("warm up", hash);
        passwords.matches("warm up", null);
        long wrong = median(() -> passwords.matches("wrong password", hash));
        long unknown = median(() -> passwords.matches("wrong password", null));
        // bcrypt at cost 10 is tens of milliseconds; skipping it would be ~100 times faster. A factor of 4 leaves
        // room for a noisy machine while still catching a decoy that does not run bcrypt.
        assertTrue(unknown * 4 >= wrong, "unknown user " + unknown / 1000 + " us, wrong password " + wrong / 1000 + " us");
    }

    @Test
    void refusesACostBelowOwaspsMinimum() {
        ConfigException error = assertThrows(ConfigException.class, () -> new Passwords(9, 1, 8));
        assertTrue(error.getMessage().contains("BCRYPT_COST"), error.getMessage());
        assertThrows(ConfigException.class, () -> new Passwords(4, 1, 8));
        assertThrows(ConfigException.class, () -> new Passwords(0, 1, 8));
        assertThrows(ConfigException.class, () -> new Passwords(32, 1, 8));
        assertDoesNotThrow(() -> new Passwords(Passwords.MIN_COST, 1, 8));
        assertEquals(10, Passwords.MIN_COST);
    }

    private static long median(Runnable work) {
        long[] times = new long[5];
        for (int i = 0; i < times.length; i++) {
            long start = System.nanoTime();
            work.run();
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        return times[times.length / 2];
    }
}
