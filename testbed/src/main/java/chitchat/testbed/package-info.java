/**
 * Real dependencies for tests and local topologies, started from Java.
 *
 * <p>{@link chitchat.testbed.LocalRedis} runs a real {@code redis-server} (Debian's, else the binary bundled in the
 * embedded-redis artifact) that can be stopped and started again on the same port, which is how the tests prove
 * that delivery survives a Redis restart. {@link chitchat.testbed.TestMongo} picks the database a test runs
 * against and says which: {@code MONGO_URI} when set, a Testcontainers MongoDB when Docker is there, else the
 * embedded store. Nothing here is a mock.
 */
package chitchat.testbed;
