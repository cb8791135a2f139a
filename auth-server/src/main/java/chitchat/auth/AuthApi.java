package chitchat.auth;

import chitchat.http.ApiException;
import chitchat.http.Reply;
import chitchat.http.Request;
import chitchat.http.Routes;
import chitchat.token.Revocations;
import chitchat.token.Tokens;
import chitchat.users.Deletions;
import chitchat.users.UserStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auth endpoints of the contract: sign up, log in, log out (this session, or every session of the user), change
 * the password, delete the account, who am I, and the user list (and the deleted names).
 *
 * <p>What costs a bcrypt hash is guarded before the hash: a sign-up checks the name is free and counts against its
 * address's sign-up limit, a login reserves an attempt on the login throttle. Logging out revokes the session in
 * the shared revocation list ({@link Revocations}), so the token stops working everywhere, not only in this
 * browser.
 *
 * <p>Each endpoint reads like the contract's table row: parse and check input (a 400 changes nothing), do the one
 * thing, answer. Errors, CSRF checks and logging are {@link Routes}' job.
 */
final class AuthApi {

    private static final Logger log = LoggerFactory.getLogger(AuthApi.class);

    /** The same words for "no such user" and "wrong password", so a response never tells which names exist. */
    private static final String BAD_CREDENTIALS = "Wrong username or password.";

    private final UserStore users;
    private final Passwords passwords;
    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final SignupThrottle signups;
    private final Revocations revocations;
    private final SessionCookie cookie;
    private final Deletions deletions;

    AuthApi(UserStore users, Deletions deletions, Passwords passwords, Tokens tokens, LoginThrottle throttle, SignupThrottle signups,
            SessionCookie cookie) {
        this.users = users;
        this.deletions = deletions;
        this.passwords = passwords;
        this.tokens = tokens;
        this.throttle = throttle;
        this.signups = signups;
        this.revocations = tokens.revocations()
                .orElseThrow(() -> new IllegalStateException("the auth endpoints need tokens that check revocations"));
        this.cookie = cookie;
    }

    void register(Routes routes) {
        routes.post("/api/auth/signup", this::signup)
                .post("/api/auth/login", this::login)
                .post("/api/auth/logout", this::logout)
                .post("/api/auth/logout-all", this::logoutAll)
                .post("/api/auth/password", this::changePassword)
                .post("/api/auth/delete-account", this::deleteAccount)
                .get("/api/auth/me", this::me)
                .get("/api/users", this::users);
    }

    private Reply signup(Request request) throws Exception {
        Credentials credentials = Credentials.from(request.jsonBody());
        if (users.taken(credentials.username())) {
            throw taken(); // before the hash: a taken name (a deleted account's too) costs one indexed read, not a bcrypt hash
        }
        String address = request.clientAddress();
        Optional<Duration> wait = signups.reserve(address);
        if (wait.isPresent()) {
            log.warn("event=signup_throttled address={}", address);
            throw tooManySignups(wait.get());
        }
        String hash;
        try {
            hash = passwords.hash(credentials.password());
        } catch (ApiException busy) {
            signups.refund(address); // nothing was hashed or created
            throw busy;
        }
        if (!users.create(credentials.username(), hash)) {
            throw taken(); // the unique index settles a race for the name: the check above is only a shortcut
        }
        log.info("event=signup user={}", credentials.username());
        return signedIn(Reply.created(new UserView(credentials.username())), credentials.username());
    }

    private Reply login(Request request) throws Exception {
        Credentials credentials = Credentials.from(request.jsonBody());
        String address = request.clientAddress();
        // Reserved before the hash, atomically: a burst of parallel guesses cannot all pass a check made before
        // any of them is counted. The reservation stays as the failure unless the password is right.
        Optional<Duration> wait = throttle.reserve(credentials.username(), address);
        if (wait.isPresent()) {
            log.warn("event=login_throttled user={} address={}", credentials.username(), address);
            throw tooMany(wait.get());
        }
        boolean matches;
        try {
            String hash = users.find(credentials.username()).map(UserStore.User::passwordHash).orElse(null);
            matches = passwords.matches(credentials.password(), hash);
        } catch (RuntimeException notChecked) {
            throttle.refund(credentials.username(), address); // busy or store down: no password was checked
            throw notChecked;
        }
        if (!matches) {
            log.info("event=login_failed user={} address={}", credentials.username(), address);
            throw new ApiException(401, "invalid_credentials", BAD_CREDENTIALS);
        }
        throttle.succeeded(credentials.username(), address);
        log.info("event=login user={}", credentials.username());
        return signedIn(Reply.ok(new UserView(credentials.username())), credentials.username());
    }

    /**
     * Ends the session the request carries (cookie or bearer token) everywhere: its token is refused by every
     * service from now on and its WebSockets are closed. Without a valid session there is nothing to end: 204.
     */
    private Reply logout(Request request) {
        Optional<Tokens.Session> session = request.token().flatMap(tokens::verify);
        if (session.isPresent()) {
            revocations.revoke(session.get());
            log.info("event=logout user={}", session.get().username());
        }
        return Reply.noContent().withCookie(cookie.clear());
    }

    /** Ends every session of the caller, on every device, this one included. */
    private Reply logoutAll(Request request) {
        Tokens.Session session = request.token().flatMap(tokens::verify).orElseThrow(ApiException::unauthorized);
        revocations.revokeAll(session.username(), tokens.lifetime());
        log.info("event=logout_all user={}", session.username());
        return Reply.noContent().withCookie(cookie.clear());
    }

    /**
     * Changes the caller's password: {@code {"currentPassword", "newPassword"}}. The current one is checked like a
     * login's ({@link #checkOwnPassword}), the new one by the sign-up rule. Then every other session of the caller
     * ends, everywhere (whoever knew the old password is logged out), and this one goes on with a fresh cookie.
     */
    private Reply changePassword(Request request) throws Exception {
        Tokens.Session session = request.token().flatMap(tokens::verify).orElseThrow(ApiException::unauthorized);
        String user = session.username();
        com.google.gson.JsonObject body = request.jsonBody();
        String current = Credentials.password(body, "currentPassword");
        String next = Credentials.password(body, "newPassword");
        checkOwnPassword(user, current, request.clientAddress(), "password_change");
        if (!users.setPasswordHash(user, passwords.hash(next))) {
            throw ApiException.unauthorized(); // the account is gone
        }
        Instant cutoff = revocations.revokeAll(user, tokens.lifetime());
        log.info("event=password_changed user={}", user);
        return Reply.ok(new UserView(user)).withCookie(cookie.issue(tokens.issueAfter(user, cutoff), tokens.lifetime()));
    }

    /**
     * Deletes the caller's account: {@code {"password"}}, checked like the change of password's. In this order,
     * so that a failure at any step (503) leaves something the user can simply ask again: the deletion is written
     * down for the chat-servers (idempotent; they act only once the account is a tombstone), every session ends
     * everywhere (their WebSockets close), and the account becomes a tombstone (no login, the name taken for good).
     * Messages are kept; the chat-servers take the user out of their groups ({@link Deletions}).
     */
    private Reply deleteAccount(Request request) throws Exception {
        Tokens.Session session = request.token().flatMap(tokens::verify).orElseThrow(ApiException::unauthorized);
        String user = session.username();
        String password = Credentials.password(request.jsonBody(), "password");
        checkOwnPassword(user, password, request.clientAddress(), "delete_account");
        Instant now = Instant.now();
        deletions.record(user, now);
        revocations.revokeAll(user, tokens.lifetime());
        if (!users.tombstone(user, now)) {
            throw ApiException.unauthorized(); // deleted meanwhile by another request of the same user
        }
        log.info("event=account_deleted user={}", user);
        return Reply.ok(new DeletedView(user, true)).withCookie(cookie.clear());
    }

    /**
     * Checks that {@code password} is {@code user}'s own, as a login would: an attempt reserved on the login throttle
     * before the hash (so a stolen session cannot guess the password faster than a login could), refunded when no
     * password was checked, cleared when it matches. A wrong password is a 403, not a 401: the session is fine.
     * {@code action} names the log events.
     */
    private void checkOwnPassword(String user, String password, String address, String action) {
        Optional<Duration> wait = throttle.reserve(user, address);
        if (wait.isPresent()) {
            log.warn("event={}_throttled user={} address={}", action, user, address);
            throw tooMany(wait.get());
        }
        boolean matches;
        try {
            matches = passwords.matches(password, users.find(user).map(UserStore.User::passwordHash).orElse(null));
        } catch (RuntimeException notChecked) {
            throttle.refund(user, address);
            throw notChecked;
        }
        if (!matches) {
            log.info("event={}_refused user={} address={}", action, user, address);
            throw new ApiException(403, "wrong_password", "That is not your current password.");
        }
        throttle.succeeded(user, address);
    }

    private Reply me(Request request) {
        return Reply.ok(new UserView(request.requireUser(tokens)));
    }

    /**
     * Every live user but the caller; with {@code ?include=deleted}, followed by every deleted account as
     * {@code {"username", "deleted": true}}, so that a client can show their old messages as "Deleted user". A query
     * parameter rather than a new path: every proxy routes exactly {@code /api/users} already, and a client that
     * does not ask sees the list as it always was. The whole list of deleted names: deletions are rare.
     */
    private Reply users(Request request) {
        String caller = request.requireUser(tokens);
        String include = request.query("include").orElse("");
        if (!include.isEmpty() && !include.equals("deleted")) {
            throw ApiException.badRequest("'include' must be \"deleted\".");
        }
        List<Object> list = new java.util.ArrayList<>(users.listExcept(caller).stream().map(UserView::new).toList());
        if (include.equals("deleted")) {
            users.deletedNames().forEach(name -> list.add(new DeletedView(name, true)));
        }
        return Reply.ok(list);
    }

    private Reply signedIn(Reply reply, String username) {
        return reply.withCookie(cookie.issue(tokens.issue(username), tokens.lifetime()));
    }

    private static ApiException taken() {
        return new ApiException(409, "username_taken", "That username is taken. Please choose another.");
    }

    private static ApiException tooManySignups(Duration wait) {
        long seconds = Math.max(1, wait.toSeconds());
        return new ApiException(429, "too_many_signups",
                "Too many sign-ups from your network. Try again in " + Math.max(1, (seconds + 59) / 60) + " minute(s).",
                Map.of("Retry-After", String.valueOf(seconds)));
    }

    private static ApiException tooMany(Duration wait) {
        long seconds = Math.max(1, wait.toSeconds());
        return new ApiException(429, "too_many_attempts",
                "Too many failed attempts. Try again in " + Math.max(1, (seconds + 59) / 60) + " minute(s).",
                Map.of("Retry-After", String.valueOf(seconds)));
    }

    /** {@code {"username"}}, the contract's user shape. */
    record UserView(String username) {
    }

    /** {@code {"username", "deleted": true}}: a deleted account. */
    record DeletedView(String username, boolean deleted) {
    }
}
