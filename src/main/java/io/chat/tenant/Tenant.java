package io.chat.tenant;

import io.chat.history.DuplicateUserException;
import io.chat.history.NameTakenException;
import io.chat.history.PasswordChange;
import io.chat.history.SessionRecord;
import io.chat.history.TenantStore;
import io.chat.history.UserRecord;
import io.chat.limits.Bucket;
import io.chat.tenant.auth.AuthenticatedUser;
import io.chat.tenant.auth.PasswordHasher;
import io.chat.tenant.auth.SessionTokens;
import io.chat.tenant.auth.TenantAuthenticator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/** A live tenant: its definition, its store, its authentication and its accounts. */
public final class Tenant {
    /** How long a password login's session token lives. */
    public static final Duration SESSION_TTL = Duration.ofHours(24);
    /** Sessions kept in memory per tenant (about 250 bytes each: 12 MB); past it, uses read the database. */
    static final int MAX_CACHED_SESSIONS = 50_000;
    /** How often a full cache is swept of expired sessions at most (a sweep walks the whole cache). */
    private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

    private final TenantId id;
    private final TenantStore store;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final LoginAttempts loginAttempts;

    private final ConcurrentHashMap<String, SessionRecord> sessions = new ConcurrentHashMap<>();
    /**
     * Revocations so far. A cache fill notes the count before its database read and stores what it read only if no
     * revocation finished meanwhile; a revocation deletes in the database first, then empties the cache and counts.
     * Both last steps run under {@link #revoking}, so a row read before a revocation is never cached after it (a
     * fill that checked first is emptied by the revocation; one that checks after sees the count moved).
     */
    private volatile long revocations;

    private Instant lastSweep = Instant.EPOCH; // guarded by revoking
    private final ReentrantLock revoking = new ReentrantLock();
    private final TenantCounters counters = new TenantCounters();
    private final TenantAuthenticator authenticator;
    private volatile TenantDefinition definition;

    Tenant(TenantDefinition definition, TenantStore store, PasswordHasher hasher, Clock clock) {
        this.id = definition.id();
        this.definition = definition;
        this.store = store;
        // a lane of its own: a login flood on another tenant delays this one's logins by about one hash, no more
        this.hasher = hasher.lane();
        this.clock = clock;
        this.loginAttempts = new LoginAttempts(
                () -> this.definition.limits().loginFailuresPerMinute(), Bucket.epochNanos(clock.instant()));
        this.authenticator = Authenticators.forTenant(definition.auth(), this::sessionUser, clock);
    }

    public TenantId id() {
        return id;
    }

    public TenantDefinition definition() {
        return definition;
    }

    /**
     * Whether one of this tenant's users may be called {@code name}: a password tenant's user names, or on a JWT tenant
     * any name its identity provider may give (the names its tokens may carry).
     */
    public boolean isUserName(String name) {
        return definition.auth() instanceof AuthConfig.Password ? Names.isUsername(name) : Names.isJwtUsername(name);
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

    void definition(TenantDefinition updated) {
        this.definition = updated;
    }

    /** Checks a bearer credential (session token or JWT, as the tenant's auth says), expiry included. */
    public Optional<AuthenticatedUser> authenticate(String token) {
        return authenticator.authenticate(token);
    }

    /** Until when {@link #authenticate} accepts {@code user}'s credential, by the tenant's clock. */
    public Instant acceptedUntil(AuthenticatedUser user) {
        return authenticator.acceptedUntil(user);
    }

    /** The stored hash of a session token, the key under which its sockets are found. */
    public static String tokenKey(String token) {
        return SessionTokens.hash(token);
    }

    /**
     * Logs a user in; {@code username} must be a valid name ({@link Names#isUsername}), checked by the caller.
     * {@code network} is where the attempt comes from as per-address limits count it ({@code ClientAddress.network}).
     */
    public LoginResult login(String username, String password, String network) {
        if (!Names.isUsername(username)) {
            throw new IllegalArgumentException("not a username");
        }
        if (!(definition.auth() instanceof AuthConfig.Password)) {
            return new LoginResult.NotPasswordTenant();
        }
        Instant now = clock.instant();
        long nanos = Bucket.epochNanos(now);
        OptionalLong refused = loginAttempts.take(username, network, nanos);
        if (refused.isPresent()) {
            counters.failedLogin();
            return new LoginResult.RateLimited(refused.getAsLong());
        }
        Optional<UserRecord> user = store.user(username).join();
        boolean valid = user.isPresent()
                ? hasher.verify(password.toCharArray(), user.get().passwordHash())
                : hasher.burnTime(password.toCharArray());
        if (!valid) {
            loginAttempts.failed(username, network, nanos);
            counters.failedLogin();
            return new LoginResult.BadCredentials();
        }
        loginAttempts.succeeded(username, network);
        String token = SessionTokens.newToken();
        Instant expiresAt = now.plus(SESSION_TTL).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        SessionRecord session = new SessionRecord(SessionTokens.hash(token), username, expiresAt);
        // the user may be deleted, or their password changed, while this session is saved: then it must not be cached
        // after the purge, nor saved after it (the store checks the hash this login verified)
        long seen = revocations;
        if (!store.saveSession(session, user.get().passwordHash()).join()) {
            return new LoginResult.BadCredentials();
        }
        cacheUnlessRevokedSince(seen, session);
        return new LoginResult.Success(token, username, expiresAt);
    }

    /** Revokes a session token; true when it was valid. No use of the token succeeds once this returned. */
    public boolean logout(String token) {
        if (!SessionTokens.wellFormed(token)) {
            return false;
        }
        String key = SessionTokens.hash(token);
        // a stranger's token costs a read, not a write on the tenant's one writer (each batch of which checkpoints)
        if (!sessions.containsKey(key) && store.session(key).join().isEmpty()) {
            return false;
        }
        boolean stored = store.deleteSession(key).join();
        boolean cached = forget(() -> sessions.remove(key) != null);
        return cached || stored;
    }

    /**
     * Creates a password user; throws {@link UserExists} when the name is taken, {@link NameTaken} when one of its names
     * is another user's other name (see {@link io.chat.history.NameTakenException}).
     */
    public void createUser(String username, String password, Optional<String> displayName) {
        UserRecord user = new UserRecord(username, displayName, hasher.hash(password.toCharArray()), clock.instant());
        try {
            store.createUser(user).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof DuplicateUserException) {
                throw new UserExists();
            }
            if (e.getCause() instanceof NameTakenException) {
                throw new NameTaken();
            }
            throw e;
        }
    }

    /**
     * An administrator's reset: sets a password user's password and ends every session of theirs; false when there is
     * no such user. No session of theirs works after, nor does a login that checked the old password save one.
     */
    public boolean resetPassword(String username, String password) {
        String hash = hasher.hash(password.toCharArray());
        PasswordChange.Outcome outcome =
                store.changePassword(PasswordChange.reset(username, hash)).join();
        forget(() -> sessions.values().removeIf(s -> s.username().equals(username)));
        if (outcome == PasswordChange.Outcome.CHANGED) {
            // the usual reason for a reset is a user who tried until locked out: the new password works at once
            loginAttempts.forgive(username);
        }
        return outcome == PasswordChange.Outcome.CHANGED;
    }

    /**
     * A signed-in user changes their password, giving the current one; every session of theirs ends but the one asking
     * ({@code tokenKey}). Wrong current passwords count as failed logins do, in the same limits, so a stolen session
     * cannot be used to guess the password faster than a login could. Only for a password tenant (the caller checks:
     * a JWT tenant's identity provider holds its passwords).
     */
    public PasswordChangeResult changePassword(
            String username, String tokenKey, String current, String next, String network) {
        if (!(definition.auth() instanceof AuthConfig.Password)) {
            throw new IllegalStateException("not a password tenant");
        }
        long nanos = Bucket.epochNanos(clock.instant());
        OptionalLong refused = loginAttempts.take(username, network, nanos);
        if (refused.isPresent()) {
            counters.failedLogin();
            return new PasswordChangeResult.RateLimited(refused.getAsLong());
        }
        Optional<UserRecord> user = store.user(username).join();
        if (user.isEmpty()) {
            return new PasswordChangeResult.SessionEnded();
        }
        if (!hasher.verify(current.toCharArray(), user.get().passwordHash())) {
            loginAttempts.failed(username, network, nanos);
            counters.failedLogin();
            return new PasswordChangeResult.WrongPassword();
        }
        loginAttempts.succeeded(username, network);
        String hash = hasher.hash(next.toCharArray());
        PasswordChange.Outcome outcome = store.changePassword(new PasswordChange(
                        username, hash, Optional.of(user.get().passwordHash()), Optional.of(tokenKey)))
                .join();
        forget(() -> sessions.values()
                .removeIf(s -> s.username().equals(username) && !s.tokenHash().equals(tokenKey)));
        return switch (outcome) {
            case CHANGED -> new PasswordChangeResult.Changed();
            // another change won the race; if it was a reset, this session went with it
            case STALE ->
                notRevoked(tokenKey)
                        ? new PasswordChangeResult.ChangedMeanwhile()
                        : new PasswordChangeResult.SessionEnded();
            case NO_SUCH_USER -> new PasswordChangeResult.SessionEnded();
        };
    }

    /**
     * Sets a password user's display name, or removes it (empty); false when there is no such user. Throws {@link
     * NameTaken} when the name is another user's user name.
     */
    public boolean setDisplayName(String username, Optional<String> displayName) {
        try {
            return store.setDisplayName(username, displayName).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof NameTakenException) {
                throw new NameTaken();
            }
            throw e;
        }
    }

    /** Deletes a user and their sessions; false when there was no such user. No session of theirs works after. */
    public boolean deleteUser(String username) {
        boolean deleted = store.deleteUser(username).join();
        forget(() -> sessions.values().removeIf(s -> s.username().equals(username)));
        return deleted;
    }

    /** Whether checking a token reads the store: a password tenant's session tokens (a JWT is checked by its signature). */
    public boolean storesTokens() {
        return definition.auth() instanceof AuthConfig.Password;
    }

    /**
     * Whether {@code token} is a session held in memory: checking it costs no read of the store (a session signed in
     * or used on this node, until its logout or a sweep). False for tenants that store no tokens.
     */
    public boolean holdsToken(String token) {
        return storesTokens() && SessionTokens.wellFormed(token) && sessions.containsKey(SessionTokens.hash(token));
    }

    /**
     * Whether a credential accepted at CONNECT has not been revoked since (logout, user deleted, tenant suspended):
     * the chat layer asks once the socket is registered, so a revocation that ran between the check and the
     * registration, and so did not see the socket, is caught. JWTs are not revoked one by one. Expiry is not judged
     * here: the socket's own timer ends it at {@link #acceptedUntil}.
     */
    public boolean notRevoked(String tokenKey) {
        if (suspended()) {
            return false;
        }
        return !storesTokens() || sessionUser(tokenKey).isPresent();
    }

    /** Runs a removal from the cache, after the database rows are gone; true when something was cached. */
    private boolean forget(BooleanSupplier removal) {
        revoking.lock();
        try {
            boolean removed = removal.getAsBoolean();
            revocations++;
            return removed;
        } finally {
            revoking.unlock();
        }
    }

    private void cacheUnlessRevokedSince(long seen, SessionRecord session) {
        if (store.sharedAcrossNodes()) {
            // another node may revoke it at any time, unknown to this one: every use reads the shared database
            return;
        }
        revoking.lock();
        try {
            if (revocations != seen) {
                return;
            }
            Instant now = clock.instant();
            if (sessions.size() >= MAX_CACHED_SESSIONS && !now.isBefore(lastSweep.plus(SWEEP_INTERVAL))) {
                lastSweep = now;
                sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
            }
            if (sessions.size() < MAX_CACHED_SESSIONS) {
                sessions.put(session.tokenHash(), session);
            }
        } finally {
            revoking.unlock();
        }
    }

    private Optional<AuthenticatedUser> sessionUser(String tokenHash) {
        SessionRecord session = sessions.get(tokenHash);
        if (session == null) {
            long seen = revocations;
            session = store.session(tokenHash).join().orElse(null);
            if (session == null) {
                return Optional.empty();
            }
            cacheUnlessRevokedSince(seen, session);
        }
        // expiry is the authenticator's one check; an expired session stays cached until a sweep or its logout
        return Optional.of(new AuthenticatedUser(session.username(), session.expiresAt()));
    }

    /** A display name that is another user's user name, or a user name that is another user's display name. */
    public static final class NameTaken extends RuntimeException {
        NameTaken() {
            super("name taken", null, false, false);
        }
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
