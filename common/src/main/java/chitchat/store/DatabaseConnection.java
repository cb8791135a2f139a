package chitchat.store;

import chitchat.config.Config;
import chitchat.http.Health;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open connection to this process's database (a {@code MongoClient} and its database), and the embedded server
 * behind it when there is one. The collections' own classes ({@code UserStore}, {@code MessageStore}, ...) are
 * made from its {@link #database()}.
 *
 * <p>Timeouts are short on purpose: when the database is unreachable, a request should fail within seconds with
 * a clear error (and {@code /healthz} say 503) rather than hang the client.
 */
public final class DatabaseConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DatabaseConnection.class);

    private final MongoClient client;
    private final MongoDatabase database;
    private final Optional<EmbeddedMongo> embedded;
    private final String description;
    private final StoreCommands commands = new StoreCommands();

    private DatabaseConnection(String uri, String dbName, Optional<EmbeddedMongo> embedded, String description) {
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(3, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(3, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS))
                .applyToConnectionPoolSettings(b -> b.maxSize(64).maxWaitTime(5, TimeUnit.SECONDS))
                .addCommandListener(commands)
                .build();
        this.client = MongoClients.create(settings);
        this.database = client.getDatabase(dbName);
        this.embedded = embedded;
        this.description = description;
    }

    /** Connects as configured: {@code MONGO_URI}, else an embedded store under {@code DATA_DIR}. */
    public static DatabaseConnection open(Config config) {
        if (config.mongoUri().isPresent()) {
            String uri = config.mongoUri().get();
            log.info("event=store_open kind=mongodb uri={}", chitchat.config.Config.redact(uri));
            return new DatabaseConnection(uri, config.mongoDb(), Optional.empty(), "mongodb");
        }
        EmbeddedMongo embedded = EmbeddedMongo.persistent(config.dataDir(), 0);
        log.info("event=store_open kind=embedded data_dir={} port={}", config.dataDir(), embedded.port());
        return new DatabaseConnection(embedded.connectionString(), config.mongoDb(), Optional.of(embedded), "embedded");
    }

    /** Connects to a given server (tests, tools). */
    public static DatabaseConnection connect(String uri, String dbName) {
        return new DatabaseConnection(uri, dbName, Optional.empty(), "mongodb");
    }

    public MongoDatabase database() {
        return database;
    }

    /** The round trips sent to the store so far (for {@code /metrics}). */
    public StoreCommands commands() {
        return commands;
    }

    /** {@code embedded} or {@code mongodb}: what {@code /healthz} and the logs say this store is. */
    public String kind() {
        return description;
    }

    /** For {@code /healthz}: does the database answer a ping? */
    public Health.Check health() {
        try {
            database.runCommand(new Document("ping", 1));
            return new Health.Check(true, "up");
        } catch (RuntimeException e) {
            return new Health.Check(false, "down");
        }
    }

    @Override
    public void close() {
        client.close();
        embedded.ifPresent(EmbeddedMongo::close);
    }
}
