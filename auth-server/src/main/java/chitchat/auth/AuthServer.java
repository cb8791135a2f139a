package chitchat.auth;

import chitchat.config.Config;
import chitchat.config.Startup;
import chitchat.config.Env;
import chitchat.http.Exposure;
import chitchat.http.Health;
import chitchat.http.Origins;
import chitchat.http.Routes;
import chitchat.http.Server;
import chitchat.metrics.Metrics;
import chitchat.store.DatabaseConnection;
import chitchat.token.Revocations;
import chitchat.token.Tokens;
import chitchat.users.Deletions;
import chitchat.users.UserStore;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth-server: accounts and sessions for Chit-Chat.
 *
 * <p>It signs people up and logs them in (bcrypt-hashed passwords in MongoDB), and proves who they are afterwards
 * with a signed JWT in an HttpOnly cookie. Other services never call it: they verify the same token with the shared
 * secret. It runs on the JDK's own HTTP server with a virtual thread per request.
 *
 * <p>Settings (environment): the contract's shared ones, plus {@code BCRYPT_COST} (default 12),
 * {@code BCRYPT_CONCURRENCY} (default half the cores, at least 1), {@code BCRYPT_QUEUE} (default 8 per concurrent
 * hash), {@code LOGIN_MAX_FAILURES_PER_USER} (5), {@code LOGIN_MAX_FAILURES_PER_ADDRESS} (20),
 * {@code LOGIN_LOCKOUT_MINUTES} (15), {@code SIGNUP_MAX_PER_ADDRESS} (10), {@code SIGNUP_WINDOW_MINUTES} (60),
 * {@code JWT_TTL_HOURS} (default 24), {@code REVOCATION_POLL_MS} (1000), and
 * {@link Exposure}'s {@code BIND_ADDRESS} (all interfaces) and {@code METRICS} (on).
 */
public final class AuthServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuthServer.class);

    /** Requests in flight get this long to finish at shutdown: a login's bcrypt hash takes well under a second. */
    private static final int STOP_GRACE_SECONDS = 5;

    private final Server server;

    private AuthServer(Server server) {
        this.server = server;
    }

    public static void main(String[] args) {
        Startup.run(() -> start(Env.system()));
    }

    /** Starts a complete auth-server configured by {@code env}. */
    public static AuthServer start(Env env) {
        Config config = Config.forService(env, 8081);
        Tokens configured = Tokens.configured(env, config);
        return Server.assemble("auth", server -> {
            DatabaseConnection store = server.open(DatabaseConnection.open(config));
            Revocations revocations = server.open(Revocations.start(env, store.database()));
            Tokens tokens = configured.checking(revocations);
            Metrics metrics = new Metrics("auth");
            Routes routes = new Routes(new Origins(config.allowedOrigins()), config.trustProxy());
            Module module = module(env, config, store, tokens);
            module.register(routes);
            Exposure exposure = Exposure.from(env, Exposure.SERVICE);
            server.listen(env, exposure, config.httpPort(), STOP_GRACE_SECONDS);
            server.mount(routes, new Health().check("store", store::health), metrics, exposure);
            server.context("/", routes); // any other path: a 404 in the contract's error shape
            server.start();
            log.info("event=started service=auth port={} store={} bcrypt_cost={}", server.port(), store.kind(), module.passwords.cost());
            return new AuthServer(server);
        });
    }

    /** The auth endpoints, ready to be registered on any {@link Routes} (the all-in-one launcher shares one). */
    public record Module(AuthApi api, Passwords passwords) {
        public void register(Routes routes) {
            api.register(routes);
        }
    }

    /** The auth endpoints over {@code store}; {@code tokens} must check revocations ({@link Tokens#checking}). */
    public static Module module(Env env, Config config, DatabaseConnection store, Tokens tokens) {
        int cost = env.integer("BCRYPT_COST", 12, Passwords.MIN_COST, 31);
        int concurrency = env.integer("BCRYPT_CONCURRENCY", Passwords.defaultConcurrency(), 1, 1024);
        Passwords passwords = new Passwords(cost, concurrency, env.integer("BCRYPT_QUEUE", 8 * concurrency, 0, 100_000));
        LoginThrottle throttle = new LoginThrottle(
                env.integer("LOGIN_MAX_FAILURES_PER_USER", 5, 1, 1000),
                env.integer("LOGIN_MAX_FAILURES_PER_ADDRESS", 20, 1, 100_000),
                Duration.ofMinutes(env.integer("LOGIN_LOCKOUT_MINUTES", 15, 1, 24 * 60)),
                Clock.systemUTC());
        SignupThrottle signups = new SignupThrottle(
                env.integer("SIGNUP_MAX_PER_ADDRESS", 10, 1, 1_000_000),
                Duration.ofMinutes(env.integer("SIGNUP_WINDOW_MINUTES", 60, 1, 7 * 24 * 60)),
                Clock.systemUTC());
        AuthApi api = new AuthApi(new UserStore(store.database()), new Deletions(store.database()), passwords, tokens, throttle, signups, new SessionCookie(config.cookieSecure()));
        return new Module(api, passwords);
    }

    public int port() {
        return server.port();
    }

    /** Stops accepting, lets requests in flight finish (up to 5 s), then closes the store: {@link Server#close}. */
    @Override
    public void close() {
        server.close();
    }
}
