package chitchat.testbed;

import chitchat.store.EmbeddedMongo;
import chitchat.store.DatabaseConnection;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MongoDBContainer;

/**
 * The MongoDB that tests in this JVM run against, chosen once and announced on standard output:
 * {@code MONGO_URI} when set, a Testcontainers MongoDB when a Docker engine answers, else the embedded store.
 * Each caller gets its own database, so tests never see each other's data.
 */
public final class TestMongo {

    private static String uri;
    private static String kind;

    private TestMongo() {
    }

    public static synchronized String uri() {
        if (uri == null) {
            choose();
            System.out.println("[test-store] tests run against " + kind);
        }
        return uri;
    }

    public static synchronized String kind() {
        uri();
        return kind;
    }

    /** A fresh database name for one test class. */
    public static String freshDatabase() {
        return "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static DatabaseConnection openFresh() {
        return DatabaseConnection.connect(uri(), freshDatabase());
    }

    private static void choose() {
        String configured = System.getenv("MONGO_URI");
        if (configured != null && !configured.isBlank()) {
            uri = configured;
            kind = "real MongoDB from MONGO_URI";
            return;
        }
        if (dockerAvailable()) {
            @SuppressWarnings("resource") // lives as long as the test JVM; Testcontainers' reaper removes it
            MongoDBContainer container = new MongoDBContainer("mongo:7.0");
            container.start();
            uri = container.getConnectionString();
            kind = "real MongoDB in a Testcontainers container (mongo:7.0)";
            return;
        }
        EmbeddedMongo embedded = EmbeddedMongo.inMemory();
        Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
        uri = embedded.connectionString();
        kind = "the embedded store (mongo-java-server; no MONGO_URI and no Docker engine)";
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }
}
