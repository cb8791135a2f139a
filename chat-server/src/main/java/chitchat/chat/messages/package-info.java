/**
 * Messages at rest: how a message is stored, found again, and served as history.
 *
 * <p>The store is the source of truth. A message is acknowledged to its sender only once it is stored; live
 * delivery through the broker is a fast path that may miss (Redis pub/sub is at-most-once), and whatever it
 * misses a client catches up from here. One document per message, because one growing array per conversation
 * (the original Node.js design) loses writes under concurrency and hits MongoDB's 16 MB document limit.
 */
package chitchat.chat.messages;
