package chitchat.security;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators of hostile JSON for the property tests: valid objects, then mutated the ways a careless or malicious
 * client mutates them (fields dropped, duplicated, renamed or of the wrong type; objects where strings belong; huge
 * numbers; odd Unicode; deep nesting; truncation; trailing garbage), and plain random text.
 *
 * <p>An object is kept as a list of fields whose values are raw JSON text, so that it can be written with duplicate
 * keys or values no serializer would produce.
 */
final class Fuzz {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private Fuzz() {
    }

    /** One field of a JSON object; {@code raw} is written as it is. */
    record Field(String key, String raw) {
    }

    /** A JSON object as written, field by field. */
    record RawObject(List<Field> fields) {

        String render() {
            return fields.stream().map(f -> quote(f.key()) + ":" + f.raw()).collect(Collectors.joining(",", "{", "}"));
        }
    }

    private static final java.util.regex.Pattern SURROGATE_ESCAPE = java.util.regex.Pattern.compile("(?i)\\\\ud[89a-f][0-9a-f]{2}");

    /** Whether JSON text spells a surrogate as an escape ({@code \ud800}), the one way to send an unpaired one. */
    static boolean escapesSurrogate(String json) {
        return SURROGATE_ESCAPE.matcher(json).find();
    }

    /** A Java string as a JSON string literal. */
    static String quote(String text) {
        return GSON.toJson(text);
    }

    /** Unicode that has broken parsers and validators: surrogates, controls, bidi overrides, zero-width, BOM. */
    static Arbitrary<String> oddUnicode() {
        return Arbitraries.of(
                "\u0000", "\u0007", "\u001b[31m", "\ud800", "\udfff", "\ud83d", "\ud83d\ude00", "\u202e", "\u200b", "\ufeff",
                "\u2028", "\u2029", "\uffff", "\ufffd", "e\u0301", "\u212a", "\u0130", "\u00df", "\uff42\uff4f\uff42",
                "\u0645\u0631\u062d\u0628\u0627", "\u4f60\u597d", "\r\n", "\t", "\\", "\"", "'", "</script>", "${jndi:ldap://x}",
                "%00", "%s%n", "{{7*7}}", "'; DROP TABLE messages; --");
    }

    /** Text of any kind: all of Unicode (surrogates included), odd pieces, and boundary lengths. */
    static Arbitrary<String> anyText(int maxLength) {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(maxLength),
                Arbitraries.strings().ascii().ofMaxLength(maxLength),
                oddUnicode().list().ofMaxSize(8).map(parts -> String.join("", parts)));
    }

    /** JSON values that are not a plain short string: the wrong type, or a string no one should accept. */
    static Arbitrary<String> hostileValues() {
        Arbitrary<String> fixed = Arbitraries.of(
                "1", "-1", "0", "-0", "1.5", "1e999999", "-1e-999999", "123456789012345678901234567890123456789012345",
                "true", "false", "null", "[]", "[\"bob\"]", "[null]", "{}", "{\"$ne\":null}", "{\"$gt\":\"\"}",
                "{\"$where\":\"sleep(5000)\"}", "{\"$regex\":\".*\"}", "\"\"", "\" \"", "\"\\t\\n \"", "\"\\u0000\"",
                "\"\\ud800\"", "\"\\udc00x\"", "\"\\u202ebob\"", "\"bob\\u0000\"", "\"<script>alert(1)</script>\"",
                "\"" + "x".repeat(4097) + "\"", "\"" + "\\ud83d\\ude00".repeat(4097) + "\"", "\"" + " ".repeat(50) + "\"",
                "[".repeat(300) + "]".repeat(300), "{\"a\":".repeat(300) + "1" + "}".repeat(300),
                "NaN", "Infinity", "'single'", "undefined", "0x10", "\"unterminated");
        return Arbitraries.oneOf(fixed, anyText(64).map(Fuzz::quote));
    }

    /** Keys a mutated object may gain: server-owned fields, prototype pollution, odd names. */
    static Arbitrary<String> extraKeys() {
        return Arbitraries.oneOf(
                Arbitraries.of("sender", "id", "_id", "ts", "conv", "type", "receiver", "message", "clientMsgId",
                        "__proto__", "constructor", "$set", "", " ", "Type", "TYPE", "message ", "\u0000"),
                anyText(16));
    }

    /** Changes to an object's fields. */
    static Arbitrary<UnaryOperator<List<Field>>> fieldMutations() {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, 16);
        Arbitrary<UnaryOperator<List<Field>>> drop = index.map(i -> fields -> {
            if (!fields.isEmpty()) {
                fields.remove(i % fields.size());
            }
            return fields;
        });
        Arbitrary<UnaryOperator<List<Field>>> duplicate = Combinators.combine(index, hostileValues()).as((i, raw) -> fields -> {
            if (!fields.isEmpty()) {
                Field f = fields.get(i % fields.size());
                fields.add(i % (fields.size() + 1), new Field(f.key(), raw));
            }
            return fields;
        });
        Arbitrary<UnaryOperator<List<Field>>> wrongType = Combinators.combine(index, hostileValues()).as((i, raw) -> fields -> {
            if (!fields.isEmpty()) {
                int at = i % fields.size();
                fields.set(at, new Field(fields.get(at).key(), raw));
            }
            return fields;
        });
        Arbitrary<UnaryOperator<List<Field>>> add = Combinators.combine(index, extraKeys(), hostileValues()).as((i, key, raw) -> fields -> {
            fields.add(i % (fields.size() + 1), new Field(key, raw));
            return fields;
        });
        Arbitrary<UnaryOperator<List<Field>>> renameKey = Combinators.combine(index, Arbitraries.of("upper", "space", "unicode", "empty"))
                .as((i, how) -> fields -> {
                    if (!fields.isEmpty()) {
                        int at = i % fields.size();
                        String key = fields.get(at).key();
                        String renamed = switch (how) {
                            case "upper" -> key.toUpperCase();
                            case "space" -> key + " ";
                            case "unicode" -> key.replace('e', '\u0435'); // Cyrillic e
                            default -> "";
                        };
                        fields.set(at, new Field(renamed, fields.get(at).raw()));
                    }
                    return fields;
                });
        Arbitrary<UnaryOperator<List<Field>>> nest = index.map(i -> fields -> {
            if (!fields.isEmpty()) {
                int at = i % fields.size();
                Field f = fields.get(at);
                fields.set(at, new Field(f.key(), "{" + quote(f.key()) + ":" + f.raw() + "}"));
            }
            return fields;
        });
        Arbitrary<UnaryOperator<List<Field>>> oddUnicodeValue = Combinators.combine(index, oddUnicode(), Arbitraries.of(true, false))
                .as((i, odd, append) -> fields -> {
                    if (!fields.isEmpty()) {
                        int at = i % fields.size();
                        Field f = fields.get(at);
                        if (f.raw().startsWith("\"") && f.raw().endsWith("\"") && f.raw().length() >= 2) {
                            String inner = GSON.fromJson(f.raw(), String.class);
                            fields.set(at, new Field(f.key(), quote(append ? inner + odd : odd + inner)));
                        }
                    }
                    return fields;
                });
        return Arbitraries.oneOf(drop, duplicate, wrongType, add, renameKey, nest, oddUnicodeValue);
    }

    /** Changes to the written text: truncation, stray characters, wrapping, garbage. */
    static Arbitrary<UnaryOperator<String>> textMutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 5000);
        Arbitrary<UnaryOperator<String>> truncate = position.map(p -> text -> text.substring(0, p % (text.length() + 1)));
        Arbitrary<UnaryOperator<String>> insert = Combinators.combine(position, anyText(4)).as((p, s) -> text -> {
            int at = p % (text.length() + 1);
            return text.substring(0, at) + s + text.substring(at);
        });
        Arbitrary<UnaryOperator<String>> delete = position.map(p -> text -> {
            if (text.isEmpty()) {
                return text;
            }
            int at = p % text.length();
            return text.substring(0, at) + text.substring(at + 1);
        });
        Arbitrary<UnaryOperator<String>> wrap = Arbitraries.of(
                text -> "[" + text + "]", Fuzz::quote, text -> text + text, text -> text + " x", text -> text + "}",
                text -> "\ufeff" + text, text -> " \n\t" + text + " \n", text -> "/*c*/" + text, text -> text.replace('"', '\''),
                text -> text + "\u0000", text -> "{\"frame\":" + text + "}");
        return Arbitraries.oneOf(truncate, insert, delete, wrap);
    }

    /** {@code valid} mutated zero or more times at the field level, then zero or more times as text. */
    static Arbitrary<String> mutated(Arbitrary<RawObject> valid) {
        return Combinators.combine(valid, fieldMutations().list().ofMaxSize(4), textMutations().list().ofMaxSize(2))
                .as((object, fieldChanges, textChanges) -> {
                    List<Field> fields = new ArrayList<>(object.fields());
                    for (UnaryOperator<List<Field>> change : fieldChanges) {
                        fields = change.apply(fields);
                    }
                    String text = new RawObject(fields).render();
                    for (UnaryOperator<String> change : textChanges) {
                        text = change.apply(text);
                    }
                    return text;
                });
    }

    // --- the WebSocket frame -------------------------------------------------------------------------------

    /** Receivers: real users, their look-alikes, the sender itself, unknown names, and anything at all. */
    static Arbitrary<String> receivers(List<String> realUsers) {
        return Arbitraries.oneOf(
                Arbitraries.of(realUsers),
                Arbitraries.of(realUsers).map(String::toUpperCase),
                Arbitraries.of("alice", "ALICE", "nobody", "b", "bob ", " bob", "bo b", "bob\u0000", "\uff42\uff4f\uff42",
                        "\u212aarol", "x".repeat(33), "", "../bob", "bob|carol", "*", ".*"),
                anyText(40));
    }

    /** Message texts: ordinary, odd Unicode, and every length boundary of the contract (1 and 4096 characters). */
    static Arbitrary<String> messages() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(200),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(40),
                oddUnicode(),
                Arbitraries.of("", " ", "\t\n", "\u00a0", "x", "x".repeat(4095), "x".repeat(4096), "x".repeat(4097),
                        "\ud83d\ude00".repeat(2048), "\ud83d\ude00".repeat(4097), "\u00e9".repeat(4096)));
    }

    static Arbitrary<String> clientMsgIds() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().withChars('-', '_').ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("", "x".repeat(100), "x".repeat(101), "\ud83d\ude00".repeat(50), "\ud83d\ude00".repeat(51), " ", "\u0000"),
                anyText(110));
    }

    /** A well-formed {@code chat msg} frame, field order shuffled. */
    static Arbitrary<RawObject> chatFrames(List<String> realUsers) {
        return Combinators.combine(receivers(realUsers), messages(), clientMsgIds(), Arbitraries.integers().between(0, 5))
                .as((receiver, message, clientMsgId, order) -> {
                    List<Field> fields = new ArrayList<>(List.of(
                            new Field("type", quote("chat msg")),
                            new Field("receiver", quote(receiver)),
                            new Field("message", quote(message)),
                            new Field("clientMsgId", quote(clientMsgId))));
                    java.util.Collections.rotate(fields, order);
                    return new RawObject(fields);
                });
    }

    /** Any text a client could send as a frame: mutated chat frames, other frame types, and random text. */
    static Arbitrary<String> frames(List<String> realUsers) {
        Arbitrary<String> otherTypes = Combinators.combine(
                        Arbitraries.of("typing", "ack", "error", "resync", "Chat Msg", "chat msg ", "chat_msg", "", "CHAT MSG"),
                        clientMsgIds())
                .as((type, id) -> "{\"type\":" + quote(type) + ",\"clientMsgId\":" + quote(id) + "}");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, chatFrames(realUsers).map(RawObject::render)),
                net.jqwik.api.Tuple.of(6, mutated(chatFrames(realUsers))),
                net.jqwik.api.Tuple.of(1, otherTypes),
                net.jqwik.api.Tuple.of(1, anyText(300)));
    }

    // --- HTTP bodies ---------------------------------------------------------------------------------------

    static Arbitrary<String> usernames() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789_.-").ofMinLength(3).ofMaxLength(32),
                Arbitraries.strings().withChars("ABCxyz019_.-").ofMinLength(0).ofMaxLength(40),
                Arbitraries.of("ab", "x".repeat(33), "\u212aelvin", "adm\u0131n", "admin\u0000", "a b c", "<b>x</b>"),
                anyText(40));
    }

    static Arbitrary<String> passwords() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMinLength(8).ofMaxLength(72),
                Arbitraries.of("", "short", "x".repeat(72), "x".repeat(73), "\u00e9".repeat(36), "\u00e9".repeat(37), "\ud83d\ude00".repeat(18),
                        "\ud83d\ude00".repeat(19), "pass\u0000word", "\ud800\ud800\ud800\ud800\ud800"),
                anyText(100));
    }

    /** {@code {"username","password"}}, well-formed. */
    static Arbitrary<RawObject> credentials() {
        return Combinators.combine(usernames(), passwords(), Arbitraries.of(true, false))
                .as((username, password, usernameFirst) -> {
                    Field u = new Field("username", quote(username));
                    Field p = new Field("password", quote(password));
                    return new RawObject(usernameFirst ? List.of(u, p) : List.of(p, u));
                });
    }

    /** Any body a client could send to sign-up or log-in. */
    static Arbitrary<String> credentialBodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, credentials().map(RawObject::render)),
                net.jqwik.api.Tuple.of(6, mutated(credentials())),
                net.jqwik.api.Tuple.of(1, anyText(200)),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("", "null", "[]", "\"x\"", "1", "{}", "{\"username\":null}",
                        "[".repeat(10_000), "{\"a\":".repeat(2000), "{\"username\":\"a\"}".repeat(1000))));
    }
}
