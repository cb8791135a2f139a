/**
 * Messages at rest: how a message is stored, found again, and served as history.
 *
 * <p>The store is the source of truth. A message is acknowledged to its sender only once it is stored; live
 * delivery through the broker is a fast path that may miss (Redis pub/sub is at-most-once), and whatever it
 * misses a client catches up from here. One document per message, because one growing array per conversation
 * (the original Node.js design) loses writes under concurrency and hits MongoDB's 16 MB document limit.
 *
 * <p>Messages are numbered as they are stored, in batches ({@link chitchat.chat.messages.InsertBatcher}); where the
 * numbers come from is the conversations' business, behind {@link chitchat.chat.messages.Numbering}, so this package
 * does not depend on how conversations are kept.
 */
package chitchat.chat.messages;
