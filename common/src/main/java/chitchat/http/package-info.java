/**
 * A small HTTP layer over the JDK's own {@code com.sun.net.httpserver}: no web framework.
 *
 * <p>{@link chitchat.http.HttpServers} makes a server that runs every request on its own virtual thread, and
 * {@link chitchat.http.Server} is how each process puts one together with what it opens, and takes it apart again.
 * {@link chitchat.http.Routes} maps a method and a path to an {@link chitchat.http.Endpoint}, and is the one place
 * where errors become the contract's {@code {"error","message"}} shape and where cross-site POSTs are refused, so
 * endpoints only say what they do; {@link chitchat.http.AccessLog} logs every request of every context as one line.
 * {@link chitchat.http.Request} gives an endpoint bounded, typed access to what the client sent;
 * {@link chitchat.http.Reply} is what it answers.
 */
package chitchat.http;
