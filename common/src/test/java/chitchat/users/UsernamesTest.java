package chitchat.users;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract's rule: 3-32 characters of a-z 0-9 _ . -, compared (and stored) in lower case. */
@Timeout(10)
class UsernamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "alice", "bob_1", "a.b-c", "___", "...", "0123456789", "abcdefghijklmnopqrstuvwxyz012345"})
    void acceptsNamesThatFollowTheRule(String name) {
        assertEquals(Optional.of(name), Usernames.canonical(name));
    }

    @ParameterizedTest
    @CsvSource({"Alice,alice", "BOB_1,bob_1", "MiXeD.Case-9,mixed.case-9", "ABC,abc"})
    void lowerCasesNames(String raw, String canonical) {
        assertEquals(Optional.of(canonical), Usernames.canonical(raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a", "ab", "abcdefghijklmnopqrstuvwxyz0123456", "al ice", " alice", "alice ", "alice!",
            "al@ce", "al/ce", "al\nce", "al\tce", "émile", "алиса", "ali\u0000ce", "a$ne", "{\"$ne\":null}", "İstanbul"})
    void refusesNamesThatBreakTheRule(String name) {
        assertEquals(Optional.empty(), Usernames.canonical(name), "'" + name + "'");
    }

    @Test
    void refusesNull() {
        assertEquals(Optional.empty(), Usernames.canonical(null));
    }

    @Test
    void lengthLimitsAreThreeAndThirtyTwo() {
        assertTrue(Usernames.canonical("x".repeat(3)).isPresent());
        assertTrue(Usernames.canonical("x".repeat(32)).isPresent());
        assertTrue(Usernames.canonical("x".repeat(2)).isEmpty());
        assertTrue(Usernames.canonical("x".repeat(33)).isEmpty());
        assertTrue(Usernames.canonical("X".repeat(33)).isEmpty());
    }

    @Test
    void nonAsciiLettersThatLowerCaseToAsciiAreRefused() {
        assertTrue(Usernames.canonical("\u212Aelvin").isEmpty(), "the Kelvin sign is not a 'k'");
        assertTrue(Usernames.canonical("\u0130stanbul").isEmpty(), "a dotted capital I is not an 'i'");
    }
}
