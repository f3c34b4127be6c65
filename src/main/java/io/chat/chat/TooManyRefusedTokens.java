package io.chat.chat;

/**
 * A client's network had too many session tokens of a tenant refused ({@link TokenRefusals}): its next one is not
 * looked up before {@link #retryAfterSeconds()}.
 */
public final class TooManyRefusedTokens extends RuntimeException {
    private final long retryAfterSeconds;

    TooManyRefusedTokens(long retryAfterSeconds) {
        super("too many refused tokens", null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
