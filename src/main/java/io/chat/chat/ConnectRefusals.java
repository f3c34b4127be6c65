package io.chat.chat;

import io.chat.limits.Bucket;
import io.chat.limits.KeyedLimits;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * CONNECTs refused for their credential, per client network, all tenants together. Each CONNECT with a token costs a
 * check (a session token a store lookup on its tenant's read threads), and a connection's own count of refusals ends
 * at its close, so guessed tokens on fresh connections from one address slowed every user of the tenant (a review:
 * 2,226 refusals a second from one address took a history read's p99 from 22 to 104 ms). Past {@link #PER_MINUTE} a
 * minute, the network's CONNECTs are answered "unavailable" with a wait, before any check: a client retries on that
 * answer (it does not sign its user out, as "unauthorized" would), so a user behind the same address only waits.
 *
 * <p>A CONNECT takes a permit before its check and gives it back when its credential was good: concurrent guesses
 * cannot all reach the store before the first refusal counts.
 */
final class ConnectRefusals {
    static final int PER_MINUTE = 60;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Networks remembered at once, a bucket each (~0.5 MB at most), and the longest a network is written. */
    private static final int MAX_NETWORKS = 4_096;

    private static final int MAX_NETWORK_LENGTH = 64;

    private final KeyedLimits<Bucket> byNetwork;
    private final UnaryOperator<String> network;

    /** @param network what an address counts under (an IPv6 address by its /64) */
    ConnectRefusals(UnaryOperator<String> network, long nowNanos) {
        this.network = network;
        this.byNetwork = KeyedLimits.ofBuckets(
                now -> Bucket.window(PER_MINUTE, WINDOW, now),
                MAX_NETWORKS,
                MAX_NETWORK_LENGTH,
                WINDOW.toNanos(),
                nowNanos);
    }

    /**
     * The bucket of {@code address}'s network: a CONNECT takes a permit ({@link Bucket#tryTake}) before its check, and
     * gives it back ({@link Bucket#giveBack}) unless its credential was refused.
     */
    Bucket of(String address, long nowNanos) {
        String key = network.apply(address);
        return byNetwork.of(key.length() <= MAX_NETWORK_LENGTH ? key : key.substring(0, MAX_NETWORK_LENGTH), nowNanos);
    }
}
