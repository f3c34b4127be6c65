package io.chat.tenant;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.chat.history.DuplicateUserException;
import io.chat.history.SessionRecord;
import io.chat.history.TenantStore;
import io.chat.history.UserRecord;
import io.chat.tenant.auth.AuthenticatedUser;
import io.chat.tenant.auth.PasswordHasher;
import io.chat.tenant.auth.SessionTokens;
import io.chat.tenant.auth.TenantAuthenticator;

/** A live tenant: its definition, its store, its authentication and its accounts. */
public final class Tenant {
    /** How long a password login's session token lives. */
    public static final Duration SESSION_TTL = Duration.ofHours(24);

    private final TenantId id;
    private final Path directory;
    private final TenantStore store;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final LoginThrottle throttle = new LoginThrottle();
    private final ConcurrentHashMap<String, SessionRecord> sessions = new ConcurrentHashMap<>();
    private final TenantCounters counters = new TenantCounters();
    private final TenantAuthenticator authenticator;
    private volatile TenantDefinition definition;

    Tenant(TenantDefinition definition, Path directory, TenantStore store, PasswordHasher hasher, Clock clock) {
        this.id = definition.id();
        this.definition = definition;
        this.directory = directory;
        this.store = store;
        this.hasher = hasher;
        this.clock = clock;
        this.authenticator = Authenticators.forTenant(definition.auth(), this::sessionUser);
    }

    public TenantId id() {
        return id;
    }

    public TenantDefinition definition() {
        return definition;
    }

    public boolean suspended() {
        return definition.suspended();
    }

    public Limits limits() {
        return definition.limits();
    }

    public TenantStore store() {
        return store;
    }

    public TenantCounters counters() {
        return counters;
    }

    Path directory() {
        return directory;
    }

    void definition(TenantDefinition updated) {
        this.definition = updated;
    }

    /** Checks a bearer credential (session token or JWT, as the tenant's auth says). */
    public Optional<AuthenticatedUser> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 16_384) {
            return Optional.empty();
        }
        return authenticator.authenticate(token);
    }

    /** The stored hash of a session token, the key under which its sockets are found. */
    public static String tokenKey(String token) {
        return SessionTokens.hash(token);
    }

    public LoginResult login(String username, String password) {
        if (!(definition.auth() instanceof AuthConfig.Password)) {
            return new LoginResult.NotPasswordTenant();
        }
        Instant now = clock.instant();
        // counted before the slow hash, so concurrent guesses cannot all slip under the limit
        long retryAfter = throttle.attempt(username, definition.limits().loginFailuresPerMinute(), now);
        if (retryAfter > 0) {
            counters.failedLogin();
            return new LoginResult.RateLimited(retryAfter);
        }
        Optional<UserRecord> user = store.user(username).join();
        boolean valid = user.isPresent()
                ? hasher.verify(password.toCharArray(), user.get().passwordHash())
                : hasher.burnTime(password.toCharArray());
        if (!valid) {
            counters.failedLogin();
            return new LoginResult.BadCredentials();
        }
        throttle.succeeded(username);
        String token = SessionTokens.newToken();
        Instant expiresAt = now.plus(SESSION_TTL).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        SessionRecord session = new SessionRecord(SessionTokens.hash(token), username, expiresAt);
        store.saveSession(session).join();
        sessions.put(session.tokenHash(), session);
        return new LoginResult.Success(token, username, expiresAt);
    }

    /** Revokes a session token; true when it was valid. */
    public boolean logout(String token) {
        String key = SessionTokens.hash(token);
        SessionRecord cached = sessions.remove(key);
        boolean stored = store.deleteSession(key).join();
        return cached != null || stored;
    }

    /** Creates a password user; throws {@link UserExists} when the name is taken. */
    public void createUser(String username, String password, Optional<String> displayName) {
        UserRecord user = new UserRecord(username, displayName, hasher.hash(password.toCharArray()), clock.instant());
        try {
            store.createUser(user).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DuplicateUserException) {
                throw new UserExists();
            }
            throw e;
        }
    }

    /** Deletes a user and their sessions; false when there was no such user. */
    public boolean deleteUser(String username) {
        sessions.values().removeIf(s -> s.username().equals(username));
        return store.deleteUser(username).join();
    }

    private Optional<AuthenticatedUser> sessionUser(String tokenHash) {
        SessionRecord session = sessions.get(tokenHash);
        if (session == null) {
            session = store.session(tokenHash).join().orElse(null);
            if (session == null) {
                return Optional.empty();
            }
            sessions.put(tokenHash, session);
        }
        if (!clock.instant().isBefore(session.expiresAt())) {
            sessions.remove(tokenHash);
            return Optional.empty();
        }
        return Optional.of(new AuthenticatedUser(session.username(), session.expiresAt()));
    }

    /** The user name is taken. */
    public static final class UserExists extends RuntimeException {
        UserExists() {
            super("user exists", null, false, false);
        }
    }

    @Override
    public String toString() {
        return "Tenant[" + id + "]";
    }
}
