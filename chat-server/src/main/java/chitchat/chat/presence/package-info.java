/**
 * Presence and last seen (the contract's {@code watch} and {@code presence} frames): who is online on any instance,
 * when each user was last seen, and telling only the connections that watch a user when that changes.
 *
 * <p>{@link chitchat.chat.presence.Presence} is the logic (contacts only, the first answer, announcing a change,
 * writing {@code lastSeen}); a {@link chitchat.chat.presence.Board} is where the shared state lives: in Redis for a
 * cluster ({@link chitchat.chat.presence.RedisBoard}), in memory for one instance
 * ({@link chitchat.chat.presence.LocalBoard}). {@link chitchat.chat.presence.LastSeen} is the {@code users} field.
 */
package chitchat.chat.presence;
