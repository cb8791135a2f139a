/**
 * The WebSocket side of the chat-server: frames, connections, and who is connected here.
 *
 * <p>Java-WebSocket runs one selector thread and a few decoder threads shared by every connection, so nothing
 * may block on them. {@link chitchat.chat.ws.ChatSocketServer} (the adapter) therefore only authenticates the
 * handshake and hands each frame to its {@link chitchat.chat.ws.Connection}, which processes that connection's
 * frames in order on its own virtual thread, where blocking on the store or the broker is fine.
 * {@link chitchat.chat.ws.ConnectionRegistry} maps a username to its connections on this instance and tells
 * the broker when a user's first connection opens and their last one closes.
 */
package chitchat.chat.ws;
