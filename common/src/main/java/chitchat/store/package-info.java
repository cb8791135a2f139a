/**
 * The MongoDB connection: a real server when {@code MONGO_URI} is set, else an embedded one.
 *
 * <p>The embedded store is mongo-java-server, which speaks MongoDB's wire protocol on a loopback port and keeps
 * its data in an H2 file under {@code DATA_DIR}. The services always talk to it through the official driver, so
 * the code that runs on a laptop with nothing installed is the code that runs against MongoDB Atlas: only the
 * connection string differs. Its limits (no transactions, in-memory sorts, compound indexes ignored) shape the
 * queries: equality plus a range on {@code _id}.
 */
package chitchat.store;
