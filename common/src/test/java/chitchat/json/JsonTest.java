package chitchat.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Untrusted JSON: only one well-formed object is accepted, and each field only with the type it should have. */
@Timeout(10)
class JsonTest {

    @Test
    void parsesOneObject() {
        JsonObject object = Json.parseObject("{\"username\":\"alice\",\"password\":\"secret123\"}");
        assertEquals("alice", Json.string(object, "username"));
        assertEquals("secret123", Json.string(object, "password"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "{", "}", "{\"a\":}", "{\"a\" \"b\"}", "not json", "{\"a\":\"b\",}",
            // lenient-only syntax: single quotes, unquoted names, comments
            "{'username':'alice'}", "{username:\"alice\"}", "{\"a\":\"b\"} // comment",
    })
    void refusesMalformedJson(String text) {
        assertThrows(Json.BadJson.class, () -> Json.parseObject(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"username\":\"alice\"}]", "\"alice\"", "42", "true", "null"})
    void refusesAnythingButAnObject(String text) {
        Json.BadJson error = assertThrows(Json.BadJson.class, () -> Json.parseObject(text));
        assertFalse(error.getMessage().isBlank());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":\"b\"} x", "{\"a\":\"b\"}{}", "{\"a\":\"b\"} {\"c\":\"d\"}", "{\"a\":\"b\"}]", "{\"a\":\"b\"} 1"})
    void refusesTrailingGarbage(String text) {
        assertThrows(Json.BadJson.class, () -> Json.parseObject(text));
    }

    @Test
    void acceptsSurroundingWhitespace() {
        assertEquals("b", Json.string(Json.parseObject(" \n{\"a\":\"b\"}\n "), "a"));
    }

    @Test
    void refusesDeepNestingWithoutCrashing() {
        String deep = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        assertThrows(Json.BadJson.class, () -> Json.parseObject(deep));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"username\":{\"$ne\":null}}", "{\"username\":{\"$gt\":\"\"}}", "{\"username\":[\"alice\"]}",
            "{\"username\":42}", "{\"username\":true}",
    })
    void refusesAnythingButAStringWhereAStringBelongs(String text) {
        JsonObject object = Json.parseObject(text);
        Json.BadJson error = assertThrows(Json.BadJson.class, () -> Json.string(object, "username"));
        assertTrue(error.getMessage().contains("username"), error.getMessage());
        assertThrows(Json.BadJson.class, () -> Json.optionalString(object, "username"));
    }

    @Test
    void absentOrNullIsEmptyWhenOptionalAndAnErrorWhenRequired() {
        JsonObject object = Json.parseObject("{\"present\":\"x\",\"nothing\":null}");
        assertEquals("x", Json.optionalString(object, "present").orElseThrow());
        assertTrue(Json.optionalString(object, "nothing").isEmpty());
        assertTrue(Json.optionalString(object, "absent").isEmpty());
        assertThrows(Json.BadJson.class, () -> Json.string(object, "nothing"));
        assertThrows(Json.BadJson.class, () -> Json.string(object, "absent"));
    }

    @Test
    void aBooleanIsTrueOrFalseAndNothingThatLooksLikeOne() {
        assertTrue(Json.bool(Json.parseObject("{\"muted\":true}"), "muted"));
        assertEquals(false, Json.bool(Json.parseObject("{\"muted\":false}"), "muted"));
        for (String body : new String[] {"{\"muted\":\"true\"}", "{\"muted\":1}", "{\"muted\":null}", "{}",
                "{\"muted\":[true]}", "{\"muted\":{}}"}) {
            assertThrows(Json.BadJson.class, () -> Json.bool(Json.parseObject(body), "muted"), body);
        }
    }

    @Test
    void writesRecordsAndMapsWithoutHtmlEscaping() {
        record User(String username) {
        }
        assertEquals("{\"username\":\"a<b>&'\"}", Json.write(new User("a<b>&'")));
        assertEquals("{\"k\":\"v\"}", Json.write(Map.of("k", "v")));
        assertEquals("a<b>&'", Json.string(Json.parseObject(Json.write(new User("a<b>&'"))), "username"));
    }

    @Test
    void aKeyGivenTwiceIsRefusedAtAnyDepth() {
        assertThrows(Json.BadJson.class, () -> Json.parseObject("{\"a\":\"1\",\"a\":\"2\"}"));
        assertThrows(Json.BadJson.class, () -> Json.parseObject("{\"o\":{\"b\":1,\"b\":1}}"));
        assertThrows(Json.BadJson.class, () -> Json.parseObject("{\"l\":[{\"c\":null,\"c\":null}]}"));
        // The same key in two different objects is fine.
        assertEquals("2", Json.parseObject("{\"a\":{\"k\":\"1\"},\"b\":{\"k\":\"2\"}}").getAsJsonObject("b").get("k").getAsString());
    }
}
