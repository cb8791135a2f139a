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
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.StringReader;
import java.util.Optional;

public final class Json {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Json() {
    }

    public static String write(Object value) {
        return GSON.toJson(value);
    }

    /**
     * Parses a JSON object strictly, or throws {@link BadJson} saying what is wrong. A key given twice in one
     * object is refused: parsers disagree on which of the two wins, and a check made on one copy must not be
     * bypassed by another reader taking the other.
     */
    public static JsonObject parseObject(String text) {
        JsonElement element;
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            element = read(reader, 0);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new BadJson("the body must be a single JSON object");
            }
        } catch (JsonParseException | java.io.IOException | IllegalStateException | NumberFormatException e) {
            throw new BadJson("the body is not valid JSON");
        }
        if (!element.isJsonObject()) {
            throw new BadJson("the body must be a JSON object");
        }
        return element.getAsJsonObject();
    }

    /** Nesting deeper than any request of the contract needs; deeper input is refused before it costs stack. */
    private static final int MAX_DEPTH = 32;

    private static JsonElement read(JsonReader reader, int depth) throws java.io.IOException {
        if (depth > MAX_DEPTH) {
            throw new BadJson("the body is nested too deeply");
        }
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                JsonObject object = new JsonObject();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (object.has(name)) {
                        throw new BadJson("'" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "' is given twice");
                    }
                    object.add(name, read(reader, depth + 1));
                }
                reader.endObject();
                return object;
            }
            case BEGIN_ARRAY -> {
                JsonArray array = new JsonArray();
                reader.beginArray();
                while (reader.hasNext()) {
                    array.add(read(reader, depth + 1));
                }
                reader.endArray();
                return array;
            }
            case STRING -> {
                return new JsonPrimitive(reader.nextString());
            }
            case NUMBER -> {
                return new JsonPrimitive(new java.math.BigDecimal(reader.nextString()));
            }
            case BOOLEAN -> {
                return new JsonPrimitive(reader.nextBoolean());
            }
            case NULL -> {
                reader.nextNull();
                return JsonNull.INSTANCE;
            }
            default -> throw new BadJson("the body is not valid JSON");
        }
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

    /** A required boolean field: {@code true} or {@code false}, nothing that merely looks like one ({@code "true"}, 1). */
    public static boolean bool(JsonObject object, String field) {
        JsonElement value = object.get(field);
        if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()) {
            return value.getAsBoolean();
        }
        throw new BadJson("'" + field + "' must be true or false");
    }

    /**
     * A required whole number from {@code min} to {@code max}; a fraction, a string, or a number out of range is an
     * error (so {@code 1e400} or {@code 2.5} never turns into some other number).
     */
    public static long wholeNumber(JsonObject object, String field, long min, long max) {
        JsonElement value = object.get(field);
        if (value == null || value.isJsonNull()) {
            throw new BadJson("'" + field + "' is required");
        }
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            try {
                long number = value.getAsBigDecimal().longValueExact();
                if (number >= min && number <= max) {
                    return number;
                }
            } catch (ArithmeticException | NumberFormatException notWhole) {
                // reported below
            }
        }
        throw new BadJson("'" + field + "' must be a whole number from " + min + " to " + max);
    }

    /** A required array of strings, at most {@code max} of them. */
    public static java.util.List<String> stringList(JsonObject object, String field, int max) {
        JsonElement value = object.get(field);
        if (value == null || !value.isJsonArray()) {
            throw new BadJson("'" + field + "' must be an array of strings");
        }
        if (value.getAsJsonArray().size() > max) {
            throw new BadJson("'" + field + "' holds at most " + max + " names");
        }
        java.util.List<String> strings = new java.util.ArrayList<>();
        for (JsonElement element : value.getAsJsonArray()) {
            if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
                throw new BadJson("'" + field + "' must be an array of strings");
            }
            strings.add(element.getAsString());
        }
        return java.util.List.copyOf(strings);
    }

    /**
     * For a record component that the protocol writes as {@code null} when it has no value (gson leaves null fields
     * out otherwise): {@code @JsonAdapter(value = Json.NullAsNull.class, nullSafe = false)}.
     */
    public static final class NullAsNull extends com.google.gson.TypeAdapter<Object> {
        @Override
        public void write(com.google.gson.stream.JsonWriter out, Object value) throws java.io.IOException {
            if (value != null) {
                GSON.toJson(value, value.getClass(), out);
                return;
            }
            boolean serializeNulls = out.getSerializeNulls();
            out.setSerializeNulls(true);
            out.nullValue();
            out.setSerializeNulls(serializeNulls);
        }

        @Override
        public Object read(JsonReader in) {
            throw new UnsupportedOperationException("written only");
        }
    }

    /** Input that is not the JSON we expect. The message is safe to show to the client. */
    public static final class BadJson extends RuntimeException {
        public BadJson(String message) {
            super(message, null, false, false);
        }
    }
}
