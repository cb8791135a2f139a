/**
 * The chat-server's meters ({@link chitchat.chat.metrics.ChatMetrics}), in a package of their own because every
 * other package records into them: the WebSocket layer (frames in and out, slow consumers), the relay (acks, store
 * and publish times) and the service that wires them. Kept here, they depend on nothing of the chat-server, so
 * no package has to reach back up into {@code chitchat.chat} for them (that was a cycle: {@code chat ⇄ ws}).
 */
package chitchat.chat.metrics;
