package io.chat.limits;

import java.time.Duration;
import java.time.Instant;

/**
 * A bucket of permits given back over time, the one shape of every rate limit here. It refills either
 * <ul>
 * <li>{@linkplain #tokens continuously}: a token bucket, {@code burst} tokens refilled at {@code perSecond} (the
 * chat's message and event limits), or</li>
 * <li>{@linkplain #window all at once}: {@code capacity} permits in a fixed window that starts at the first take of a
 * full bucket and gives them all back when it ends (failed logins per minute: "after 10 failures, wait until the minute
 * is over").</li>
 * </ul>
 * Times are nanoseconds on one time line the caller chooses ({@link System#nanoTime}, or an injected clock's epoch
 * nanoseconds) and passes in, so tests drive it. A caller may bring a time older than the last one seen (it read its
 * clock before another caller took the lock): it refills nothing and moves nothing back. Thread-safe: one short
 * synchronized section per call.
 */
public final class Bucket {
    private final double capacity;
    /** Tokens per nanosecond when refilled continuously; 0 for a window. */
    private final double perNano;
    /** The window's length in nanoseconds; 0 when refilled continuously. */
    private final long windowNanos;

    private double tokens;
    /** Continuous: when {@link #tokens} was last brought up to date. Window: when the current window started. */
    private long last;

    private Bucket(double capacity, double perNano, long windowNanos, long nowNanos) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a bucket holds at least one permit");
        }
        this.capacity = capacity;
        this.perNano = perNano;
        this.windowNanos = windowNanos;
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /** A token bucket: {@code burst} tokens, full at first, refilled at {@code perSecond} (0: never refilled). */
    public static Bucket tokens(int perSecond, int burst, long nowNanos) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond must not be negative");
        }
        return new Bucket(burst, perSecond / 1e9, 0, nowNanos);
    }

    /**
     * A token bucket refilled slower than a token a second: {@code burst} tokens, full at first, {@code permits}
     * given back evenly over each {@code period}.
     */
    public static Bucket tokens(int permits, Duration period, int burst, long nowNanos) {
        if (permits < 0 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("permits must not be negative, period must be positive");
        }
        return new Bucket(burst, (double) permits / period.toNanos(), 0, nowNanos);
    }

    /** {@code capacity} permits per fixed {@code window}, which starts at the first take of a full bucket. */
    public static Bucket window(int capacity, Duration window, long nowNanos) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive");
        }
        return new Bucket(capacity, 0, window.toNanos(), nowNanos);
    }

    /** An instant as nanoseconds since the epoch: a time line for buckets judged by an injected clock. */
    public static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** Takes one permit when there is one. */
    public synchronized boolean tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens < 1) {
            return false;
        }
        if (windowNanos > 0 && tokens == capacity) {
            last = nowNanos; // the first take of a full bucket starts its window
        }
        tokens -= 1;
        return true;
    }

    /**
     * Gives back a permit {@link #tryTake} took for an attempt that turned out not to count (it succeeded), never past
     * the capacity. A window bucket made full again starts its next window at its next take, as a new one would.
     */
    public synchronized void giveBack() {
        tokens = Math.min(capacity, tokens + 1);
    }

    /** Nanoseconds until a permit is there, 0 when one is there now. Takes nothing. */
    public synchronized long waitNanos(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            return 0;
        }
        long wait = windowNanos > 0 ? last + windowNanos - nowNanos : (long) Math.ceil((1 - tokens) / perNano);
        return Math.max(1, wait);
    }

    /** {@link #waitNanos} as a {@code Retry-After}: whole seconds, at least 1 while there is a wait, else 0. */
    public long retryAfterSeconds(long nowNanos) {
        long wait = waitNanos(nowNanos);
        return wait == 0 ? 0 : Math.max(1, Duration.ofNanos(wait).toSeconds());
    }

    /** Whether the bucket is as a new one would be: a bucket that is full can be dropped and made again later. */
    public synchronized boolean full(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    /** When the current window started (windows), or the bucket was last brought up to date (tokens). */
    synchronized long since() {
        return last;
    }

    private void refill(long nowNanos) {
        if (windowNanos > 0) {
            if (tokens < capacity && nowNanos - last >= windowNanos) {
                tokens = capacity;
            }
        } else if (nowNanos > last) {
            tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
            last = nowNanos;
        }
    }
}
