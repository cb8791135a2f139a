package chitchat.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A route path with parameters, such as {@code /api/conversations/{id}/members/{username}}.
 *
 * <p>Matching is on the raw (still percent-encoded) path, one segment per parameter, and each parameter is decoded
 * after the split. Decoding first would let an encoded slash ({@code %2F}) inside an id move the segment borders.
 * A parameter never matches an empty segment.
 */
record PathTemplate(String template, List<String> segments) {

    static PathTemplate of(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a path template starts with '/': " + template);
        }
        return new PathTemplate(template, List.of(template.substring(1).split("/", -1)));
    }

    /** The part before the first parameter, which every matching path starts with. */
    String prefix() {
        return template.substring(0, template.indexOf('{'));
    }

    /** The parameters of {@code rawPath} by name, if it matches. */
    Optional<Map<String, String>> match(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        String[] parts = rawPath.substring(1).split("/", -1);
        if (parts.length != segments.size()) {
            return Optional.empty();
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < parts.length; i++) {
            String segment = segments.get(i);
            if (segment.startsWith("{") && segment.endsWith("}")) {
                if (parts[i].isEmpty()) {
                    return Optional.empty();
                }
                try {
                    // '+' is a plus in a path (only a query turns it into a space).
                    params.put(segment.substring(1, segment.length() - 1),
                            URLDecoder.decode(parts[i].replace("+", "%2B"), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException badEscape) {
                    return Optional.empty();
                }
            } else if (!segment.equals(parts[i])) {
                return Optional.empty();
            }
        }
        return Optional.of(params);
    }
}
