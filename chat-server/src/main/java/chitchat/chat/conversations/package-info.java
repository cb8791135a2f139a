/**
 * Conversations: who is in one, how its messages are numbered, and the HTTP API over them.
 *
 * <p>A conversation is direct (two people, made on demand, its id their names sorted and joined by {@code |}) or a
 * group (a name, admins and members). Its document holds its members, so numbering a batch of messages and reading
 * whom they go to is one atomic operation on the store ({@link chitchat.chat.conversations.ConversationStore}), on
 * every instance at once, with no membership cache to keep in step. Each member's marks (read, delivered) live in a
 * document of their own ({@link chitchat.chat.conversations.Memberships}), so a read in a big group rewrites one
 * small document; so does each member's own setting, {@code muted}, which only that member sees. Group changes are system messages, stored and delivered like any message
 * ({@link chitchat.chat.conversations.GroupChanges}).
 *
 * <p>The public surface is small: {@link chitchat.chat.conversations.Conversations} for the frames,
 * {@link chitchat.chat.conversations.ConversationsApi} for HTTP, {@link chitchat.chat.conversations.V1Migration}
 * for a v1 database, and {@link chitchat.chat.conversations.Fanout}, how the rest of the server publishes to members.
 */
package chitchat.chat.conversations;
