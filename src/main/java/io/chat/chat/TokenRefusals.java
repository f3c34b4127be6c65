package io.chat.chat;

import io.chat.limits.Bucket;
import io.chat.limits.KeyedLimits;
import io.chat.tenant.Tenant;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Session tokens refused, at CONNECT and over REST (history, resume, logout), per tenant and client network. Each such
 * check is a lookup in the tenant's store (on its read threads), and a connection's own count of refusals ends with
 * it, so tokens guessed on fresh connections from one address slowed every user of the tenant (a review: 2,226
 * refusals a second from one address took a history read's p99 from 22 to 104 ms; another: ~1,900 REST requests at
 * once with random tokens made signed-in users' history reads fail). Past {@link #BURST} refusals, then one a second,
 * the network's tokens for the tenant are refused before any lookup: a CONNECT is answered "unavailable" with a wait
 * (a client retries on that answer; it does not sign its user out, as "unauthorized" would), a request 429, so a user
 * behind the same address only waits a second.
 *
 * <p>Only refusals count, once checked: good tokens, however many at once (an office behind one address reconnecting
 * after a restart), never do. Concurrent guesses from one address can each reach the store before their refusals
 * count, as many as the connections that address may hold. JWTs are checked by their signature, not looked up, and
 * do not count; nor do other tenants' refusals from the same address.
 */
final class TokenRefusals {
    /** Refusals at once, then {@link #PER_MINUTE} a minute. */
    static final int BURST = 60;

    static final int PER_MINUTE = 60;
    /** Keys remembered at once, a bucket each (~0.5 MB at most), and the longest key (a tenant id and a network). */
    private static final int MAX_KEYS = 4_096;

    private static final int MAX_KEY_LENGTH = 128;

    private final KeyedLimits<Bucket> byKey;
    private final UnaryOperator<String> network;

    /** @param network what an address counts under (an IPv6 address by its /64) */
    TokenRefusals(UnaryOperator<String> network, long nowNanos) {
        this.network = network;
        this.byKey = KeyedLimits.ofBuckets(
                now -> Bucket.tokens(PER_MINUTE, Duration.ofMinutes(1), BURST, now),
                MAX_KEYS,
                MAX_KEY_LENGTH,
                Duration.ofSeconds(10).toNanos(),
                nowNanos);
    }

    /**
     * {@code check} of {@code token}, a session token of {@code tenant} from a client at {@code address}, unless the
     * client's network has no refusals left for the tenant ({@link Bucket#waitNanos}); a refusal (empty) takes one
     * ({@link Bucket#tryTake}). What costs no lookup is checked without counting: a session held in memory (so a user
     * signed in on this node is served whatever others at their address guess), a tenant that stores no tokens (JWT).
     *
     * @throws TooManyRefusedTokens before {@code check}, while the network has none left
     */
    <T> Optional<T> check(Tenant tenant, String address, String token, Supplier<Optional<T>> check) {
        if (!tenant.storesTokens() || tenant.holdsToken(token)) {
            return check.get(); // no lookup: a signature, or a session in memory
        }
        long now = System.nanoTime();
        Bucket refusals = of(tenant.id().value(), address, now);
        if (refusals.waitNanos(now) > 0) {
            throw new TooManyRefusedTokens(Math.max(1, refusals.retryAfterSeconds(now)));
        }
        Optional<T> checked = check.get();
        if (checked.isEmpty()) {
            refusals.tryTake(now);
        }
        return checked;
    }

    /** The refusals of {@code tenant}'s session tokens from {@code address}'s network. */
    Bucket of(String tenant, String address, long nowNanos) {
        // not '+': a concatenation's first run spins its class, and the training run that made the class cache
        // (README, cold start) may never have refused a token, leaving that to a restart's first CONNECT (seen there)
        String key = String.join(" ", tenant, network.apply(address));
        return byKey.of(key.length() <= MAX_KEY_LENGTH ? key : key.substring(0, MAX_KEY_LENGTH), nowNanos);
    }
}
