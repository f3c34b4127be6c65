package io.chat.tenant;

import io.chat.limits.Bucket;
import io.chat.limits.KeyedLimits;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.IntSupplier;

/**
 * Who may try a password now, on one node: a user's attempts per minute ({@link Limits#loginFailuresPerMinute}, a
 * window bucket per user name), and, once those are used up, as many again for addresses that have not failed a login
 * of that user in the last minute. The first count stops a guesser; the second keeps the user able to log in while
 * one guesses, as long as the guesser is not at the user's own address (an IPv6 address counts by its /64): with the
 * first count alone, ten wrong passwords a minute from anywhere locked the user out for good.
 *
 * <p>Times are the tenant clock's epoch nanoseconds. Tables of 4,096 keys each: user names of at most 32 characters,
 * (user, address network) pairs of at most 32 + 1 + 45; a new key costs a slow hash in the tenant's lane (see
 * PasswordHasher), so far fewer are tried in a minute on a small machine, and a key that is used up is never evicted.
 */
final class LoginAttempts {
    /** The window of {@link Limits#loginFailuresPerMinute}. */
    static final Duration WINDOW = Duration.ofMinutes(1);

    private static final int MAX_KEYS = 4_096;
    /** The longest textual IPv6 address, the longest network {@code ClientAddress.network} names. */
    private static final int MAX_NETWORK_LENGTH = 45;

    private final KeyedLimits<Bucket> byUser;
    private final KeyedLimits<Bucket> fromUnfailedAddresses;
    /**
     * One permit per (user, network), taken by a failed login and by an attempt on the second allowance (a success
     * gives it back): used up means that address failed, or is trying, this minute.
     */
    private final KeyedLimits<Bucket> failedFrom;

    LoginAttempts(IntSupplier perMinute, long nowNanos) {
        byUser = perUser(perMinute, nowNanos);
        fromUnfailedAddresses = perUser(perMinute, nowNanos);
        failedFrom = KeyedLimits.ofBuckets(
                now -> Bucket.window(1, WINDOW, now),
                MAX_KEYS,
                Names.MAX_USERNAME_LENGTH + 1 + MAX_NETWORK_LENGTH,
                WINDOW.toNanos(),
                nowNanos);
    }

    private static KeyedLimits<Bucket> perUser(IntSupplier perMinute, long nowNanos) {
        return KeyedLimits.ofBuckets(
                now -> Bucket.window(perMinute.getAsInt(), WINDOW, now),
                MAX_KEYS,
                Names.MAX_USERNAME_LENGTH,
                WINDOW.toNanos(),
                nowNanos);
    }

    /**
     * Takes an attempt for the user from the network; empty when one was there, else the seconds until the user's
     * next attempt ({@code Retry-After}). Taken before the slow hash, so that concurrent guesses cannot all slip under.
     */
    OptionalLong take(String user, String network, long nowNanos) {
        Bucket attempts = byUser.of(user, nowNanos);
        if (attempts.tryTake(nowNanos)) {
            return OptionalLong.empty();
        }
        if (!failedHere(user, network, nowNanos)
                && fromUnfailedAddresses.of(user, nowNanos).tryTake(nowNanos)) {
            // marked now, not after the slow hash: an address gets one attempt of this allowance at a time, however
            // many it sends together; a success takes the mark off
            failed(user, network, nowNanos);
            return OptionalLong.empty();
        }
        return OptionalLong.of(attempts.retryAfterSeconds(nowNanos));
    }

    /** The password was wrong: this network has failed this user for the next minute. */
    void failed(String user, String network, long nowNanos) {
        failedFrom.of(pair(user, network), nowNanos).tryTake(nowNanos);
    }

    /**
     * The user logged in from the network: their counts start again, and this address is not marked (another that
     * failed stays marked for its minute).
     */
    void succeeded(String user, String network) {
        byUser.remove(user);
        fromUnfailedAddresses.remove(user);
        failedFrom.remove(pair(user, network));
    }

    /** An administrator set the user's password: their count starts again (a locked-out user asked for it). */
    void forgive(String user) {
        byUser.remove(user);
        fromUnfailedAddresses.remove(user);
    }

    private boolean failedHere(String user, String network, long nowNanos) {
        Bucket failed = failedFrom.peek(pair(user, network));
        return failed != null && !failed.full(nowNanos);
    }

    private static String pair(String user, String network) {
        // a network longer than an address can be is cut: it only shares the mark of another such network
        return user + " "
                + (network.length() > MAX_NETWORK_LENGTH ? network.substring(0, MAX_NETWORK_LENGTH) : network);
    }
}
