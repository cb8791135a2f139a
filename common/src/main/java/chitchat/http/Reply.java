package chitchat.http;

import java.util.List;

/**
 * What an endpoint answers: a status, a body serialized as JSON (null for none) and any {@code Set-Cookie} values.
 */
public record Reply(int status, Object body, List<String> cookies) {

    public static Reply ok(Object body) {
        return new Reply(200, body, List.of());
    }

    public static Reply created(Object body) {
        return new Reply(201, body, List.of());
    }

    public static Reply noContent() {
        return new Reply(204, null, List.of());
    }

    public Reply withCookie(String setCookie) {
        var all = new java.util.ArrayList<>(cookies);
        all.add(setCookie);
        return new Reply(status, body, List.copyOf(all));
    }
}
