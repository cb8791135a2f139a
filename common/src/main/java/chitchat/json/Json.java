/*
 * JSON in and out, with gson.
 *
 * Input from clients is untrusted, so it is parsed into a tree (JsonObject) and each field is taken out with its
 * expected type: a client that sends {"username": {"$ne": null}} gets a clear 400, and an object can never reach
 * a database query where a string belongs. Output is written from records, which gson serializes by their
 * components.
 */
package chitchat.json;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.StringReader;
import java.util.Optional;

public final class Json {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Json() {
    }

    public static String write(Object value) {
        return GSON.toJson(value);
    }

    /** Parses a JSON object strictly, or throws {@link BadJson} saying what is wrong. */
    public static JsonObject parseObject(String text) {
        JsonElement element;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            element = JsonParser.parseReader(reader);
            if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
                throw new BadJson("the body must be a single JSON object");
            }
        } catch (JsonParseException | java.io.IOException | IllegalStateException | StackOverflowError e) {
            throw new BadJson("the body is not valid JSON");
        }
        if (!element.isJsonObject()) {
            throw new BadJson("the body must be a JSON object");
        }
        return element.getAsJsonObject();
    }

    /** A string field, or empty when absent or null; any other type is an error. */
    public static Optional<String> optionalString(JsonObject object, String field) {
        JsonElement value = object.get(field);
        if (value == null || value.isJsonNull()) {
            return Optional.empty();
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
            return Optional.of(value.getAsString());
        }
        throw new BadJson("'" + field + "' must be a string");
    }

    /** A required string field; absent, null or any other type is an error. */
    public static String string(JsonObject object, String field) {
        return optionalString(object, field).orElseThrow(() -> new BadJson("'" + field + "' is required"));
    }

    /** Input that is not the JSON we expect. The message is safe to show to the client. */
    public static final class BadJson extends RuntimeException {
        public BadJson(String message) {
            super(message, null, false, false);
        }
    }
}
