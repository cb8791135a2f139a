package chitchat.chat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import chitchat.json.Json;
import com.google.gson.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The conversations API of a {@link ChatCluster}, as a test calls it: as a user, on an instance, with assertions. */
public final class Api {

    private final ChatCluster cluster;

    public Api(ChatCluster cluster) {
        this.cluster = cluster;
    }

    /** A request as {@code user} (a token of theirs), with a JSON body when {@code body} is not null. */
    public HttpResponse<String> call(int instance, String method, String path, String user, Object body) {
        return cluster.request(instance, method, path, cluster.token(user), body);
    }

    /** A new group made by {@code creator} on instance 0; its id. */
    public String group(String creator, String name, String... members) {
        HttpResponse<String> created = call(0, "POST", "/api/conversations", creator, Map.of("kind", "group", "name", name, "members", List.of(members)));
        assertEquals(201, created.statusCode(), created.body());
        return Json.parseObject(created.body()).get("id").getAsString();
    }

    public static JsonObject ok(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return Json.parseObject(response.body());
    }

    public static void assertError(int status, String code, HttpResponse<String> response) {
        assertError(status, code, response, "");
    }

    /** The contract's error shape with this status, and this code unless it is null. */
    public static void assertError(int status, String code, HttpResponse<String> response, String why) {
        assertEquals(status, response.statusCode(), why + " " + response.body());
        JsonObject error = Json.parseObject(response.body());
        assertTrue(error.has("error") && error.has("message"), "the contract's error shape: " + response.body());
        if (code != null) {
            assertEquals(code, error.get("error").getAsString(), why);
        }
    }

    /** An id as it goes in a URL path. */
    public static String enc(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8);
    }
}
