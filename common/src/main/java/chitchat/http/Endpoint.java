package chitchat.http;

/** One API operation: a request in, a reply out. Throw {@link ApiException} for an expected failure. */
@FunctionalInterface
public interface Endpoint {
    Reply handle(Request request) throws Exception;
}
