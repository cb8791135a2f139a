package chitchat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Single variables: blank is unset, values are trimmed and checked, and a bad one names itself. */
@Timeout(10)
class EnvTest {

    @Test
    void blankIsUnsetAndValuesAreTrimmed() {
        Env env = new Env(Map.of("A", "  value ", "B", "   ", "C", ""));
        assertEquals(Optional.of("value"), env.optional("A"));
        assertEquals(Optional.empty(), env.optional("B"));
        assertEquals(Optional.empty(), env.optional("C"));
        assertEquals(Optional.empty(), env.optional("MISSING"));
        assertEquals("fallback", env.string("B", "fallback"));
    }

    @Test
    void integersAreCheckedAgainstTheirRange() {
        Env env = new Env(Map.of("N", "12", "LOW", "0", "WORD", "twelve"));
        assertEquals(12, env.integer("N", 5, 1, 20));
        assertEquals(5, env.integer("MISSING", 5, 1, 20));
        ConfigException low = assertThrows(ConfigException.class, () -> env.integer("LOW", 5, 1, 20));
        assertTrue(low.getMessage().contains("LOW") && low.getMessage().contains("1 to 20"), low.getMessage());
        assertThrows(ConfigException.class, () -> env.integer("N", 5, 1, 11));
        assertThrows(ConfigException.class, () -> env.integer("WORD", 5, 1, 20));
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "TRUE", "1", "yes", "Yes"})
    void trueValues(String value) {
        assertTrue(new Env(Map.of("X", value)).bool("X", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "FALSE", "0", "no"})
    void falseValues(String value) {
        assertFalse(new Env(Map.of("X", value)).bool("X", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "on", "2", "truee"})
    void anythingElseIsRefused(String value) {
        ConfigException error = assertThrows(ConfigException.class, () -> new Env(Map.of("COOKIE_SECURE", value)).bool("COOKIE_SECURE", false));
        assertTrue(error.getMessage().contains("COOKIE_SECURE"), error.getMessage());
    }
}
