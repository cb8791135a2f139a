package chitchat.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.Headers;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Where a request carries its session token: the {@code token} cookie, else {@code Authorization: Bearer}. */
@Timeout(10)
class SessionTokenTest {

    private static Optional<String> fromCookie(String header) {
        return SessionToken.from(List.of(header), null);
    }

    @Test
    void findsTheTokenCookieAmongOthers() {
        assertEquals(Optional.of("abc.def.ghi"), fromCookie("token=abc.def.ghi"));
        assertEquals(Optional.of("abc.def.ghi"), fromCookie("theme=dark; token=abc.def.ghi; lang=en"));
        assertEquals(Optional.of("abc.def.ghi"), fromCookie("theme=dark;token=abc.def.ghi"));
        assertEquals(Optional.of("abc.def.ghi"), fromCookie("  token=abc.def.ghi  "));
    }

    @Test
    void ignoresCookiesWhoseNameOnlyContainsToken() {
        assertEquals(Optional.empty(), fromCookie("xtoken=abc; token_old=def; csrftoken=ghi"));
        assertEquals(Optional.of("real"), fromCookie("xtoken=abc; token=real"));
        assertEquals(Optional.empty(), fromCookie("tokens=abc"));
    }

    @Test
    void anEmptyOrMissingCookieIsNoToken() {
        assertEquals(Optional.empty(), fromCookie("token="));
        assertEquals(Optional.empty(), fromCookie(""));
        assertEquals(Optional.empty(), fromCookie("theme=dark"));
        assertEquals(Optional.empty(), SessionToken.from(null, null));
        assertEquals(Optional.empty(), SessionToken.from(List.of(), null));
    }

    @Test
    void looksThroughEveryCookieHeader() {
        assertEquals(Optional.of("t2"), SessionToken.from(List.of("theme=dark", "token=t2"), null));
    }

    @Test
    void readsABearerHeader() {
        assertEquals(Optional.of("abc.def.ghi"), SessionToken.from(null, "Bearer abc.def.ghi"));
        assertEquals(Optional.of("abc.def.ghi"), SessionToken.from(null, "bearer abc.def.ghi"));
        assertEquals(Optional.of("abc.def.ghi"), SessionToken.from(null, "BEARER   abc.def.ghi  "));
    }

    @Test
    void otherAuthorizationSchemesAreNoToken() {
        assertEquals(Optional.empty(), SessionToken.from(null, "Basic YWxpY2U6c2VjcmV0"));
        assertEquals(Optional.empty(), SessionToken.from(null, "Bearer"));
        assertEquals(Optional.empty(), SessionToken.from(null, "Bearer    "));
        assertEquals(Optional.empty(), SessionToken.from(null, "Bearerabc"));
        assertEquals(Optional.empty(), SessionToken.from(null, "abc.def.ghi"));
        assertEquals(Optional.empty(), SessionToken.from(null, ""));
    }

    @Test
    void theCookieWinsOverBearer() {
        assertEquals(Optional.of("from-cookie"), SessionToken.from(List.of("token=from-cookie"), "Bearer from-header"));
        assertEquals(Optional.of("from-header"), SessionToken.from(List.of("theme=dark"), "Bearer from-header"));
    }

    @Test
    void readsJdkServerHeadersWhateverTheirCase() {
        Headers headers = new Headers();
        headers.add("cookie", "token=lower");
        assertEquals(Optional.of("lower"), SessionToken.from(headers));
        Headers bearer = new Headers();
        bearer.add("authorization", "Bearer upper");
        assertEquals(Optional.of("upper"), SessionToken.from(bearer));
    }
}
