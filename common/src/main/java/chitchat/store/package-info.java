/**
 * The MongoDB connection: a real server when {@code MONGO_URI} is set, else an embedded one.
 *
 * <p>The embedded store is mongo-java-server, which speaks MongoDB's wire protocol on a loopback port and keeps
 * its data in an H2 file under {@code DATA_DIR}. The services always talk to it through the official driver, so
 * the code that runs on a laptop with nothing installed is the code that runs against MongoDB Atlas: only the
 * connection string differs. Its limits (no transactions, unique indexes only) shape the queries: equality, plus a
 * range on the last field of a unique index.
 *
 * <p>The embedded store's process runs mongo-java-server's H2 backend with three changes, where profiles of
 * {@code make bench} found most of its CPU ({@link chitchat.store.StoreDatabase}): index keys compared by value and
 * documents written as BSON rather than with Java serialization ({@code StoreDataType}), and queries that fix an
 * index's leading fields or name ids answered from the index ({@code IndexRange}, {@code StoreCollection}) rather
 * than by matching every document.
 */
package chitchat.store;
