/**
 * The WebSocket protocol's frames, both ways, and its error codes: the one place where a client's text becomes a
 * typed frame ({@link chitchat.chat.protocol.Inbound}) and where every server frame is written
 * ({@link chitchat.chat.protocol.Frames}).
 *
 * <p>A package of its own that depends on nothing else of the server, so that the connection code, the message
 * store and the relay can all speak the protocol without depending on each other. docs/PROTOCOL.md describes what
 * these types encode.
 */
package chitchat.chat.protocol;
