package io.chat.chat;

/**
 * A token bucket: {@code burst} tokens, refilled at {@code perSecond}. Thread-safe: one short synchronized
 * section per take, cheap enough for a bucket that every socket of a tenant shares.
 */
final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(int perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.capacity = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    synchronized boolean tryTake(long nowNanos) {
        // concurrent callers read the clock before taking the lock, so a caller may bring an older time: it adds
        // nothing and does not move the clock back
        if (nowNanos > last) {
            tokens = Math.min(capacity, tokens + (nowNanos - last) * perNano);
            last = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Whether the bucket holds {@code burst} tokens at that time: as if it were new. */
    synchronized boolean full(long nowNanos) {
        double now = nowNanos > last ? tokens + (nowNanos - last) * perNano : tokens;
        return now >= capacity;
    }
}
