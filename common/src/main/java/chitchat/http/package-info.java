/**
 * A small HTTP layer over the JDK's own {@code com.sun.net.httpserver}: no web framework.
 *
 * <p>{@link chitchat.http.HttpServers} makes a server that runs every request on its own virtual thread.
 * {@link chitchat.http.Routes} maps a method and a path to an {@link chitchat.http.Endpoint}, and is the one place
 * where errors become the contract's {@code {"error","message"}} shape, where cross-site POSTs are refused and where
 * each request is logged as one line, so endpoints only say what they do. {@link chitchat.http.Request} gives an
 * endpoint bounded, typed access to what the client sent; {@link chitchat.http.Reply} is what it answers.
 */
package chitchat.http;
