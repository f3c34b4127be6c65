package io.chat.tenant.auth;

import io.helidon.security.AuthenticationResponse;
import io.helidon.security.ProviderRequest;
import io.helidon.security.spi.AuthenticationProvider;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Helidon authentication provider of a password tenant: the bearer token is an opaque session token, looked up by
 * its SHA-256 in the caller's session store; its expiry is judged by {@link BearerAuthentication}. Stateless apart from its final fields, so safe on any number of threads.
 */
final class SessionTokenProvider implements AuthenticationProvider {
    private static final System.Logger LOGGER = System.getLogger(SessionTokenProvider.class.getName());

    /** At most one warning line per this many nanoseconds: a flood of lookups a full store refuses is one cause. */
    private static final long WARNING_INTERVAL_NANOS = 10_000_000_000L;

    private final Function<String, Optional<AuthenticatedUser>> sessionByTokenHash;
    /** When the next warning may be written (System.nanoTime()), and the failures since the last one. */
    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());

    private final LongAdder unreported = new LongAdder();

    SessionTokenProvider(Function<String, Optional<AuthenticatedUser>> sessionByTokenHash) {
        this.sessionByTokenHash = Objects.requireNonNull(sessionByTokenHash, "sessionByTokenHash");
    }

    @Override
    public AuthenticationResponse authenticate(ProviderRequest request) {
        Optional<String> token = BearerAuthentication.token(request.env());
        if (token.isEmpty()) {
            return BearerAuthentication.failed("no bearer token");
        }
        if (!SessionTokens.wellFormed(token.get())) {
            return BearerAuthentication.failed("unknown session"); // no lookup for what no login ever gave
        }
        Optional<AuthenticatedUser> user;
        try {
            // A plain digest is enough: the token is 256 random bits, there is nothing to brute-force.
            user = sessionByTokenHash.apply(SessionTokens.hash(token.get()));
        } catch (RuntimeException e) {
            warn(e);
            // neither valid nor invalid: the caller must say "try again", not sign the user out
            return BearerAuthentication.unchecked("session lookup failed");
        }
        if (user == null || user.isEmpty()) {
            return BearerAuthentication.failed("unknown session");
        }
        return BearerAuthentication.success(user.get());
    }

    /**
     * The store failed, not the user: worth a line, but only the exception type (messages may quote keys), and one
     * every {@link #WARNING_INTERVAL_NANOS} at most with the count since (a review: a stranger's flood of random tokens
     * against a full read queue wrote ~2,000 lines a second).
     */
    private void warn(RuntimeException e) {
        unreported.increment();
        long now = System.nanoTime();
        long next = nextWarning.get();
        if (now - next >= 0 && nextWarning.compareAndSet(next, now + WARNING_INTERVAL_NANOS)) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOGGER.log(
                    System.Logger.Level.WARNING,
                    "event=session-lookup outcome=error error="
                            + cause.getClass().getName() + " count=" + unreported.sumThenReset());
        }
    }
}
