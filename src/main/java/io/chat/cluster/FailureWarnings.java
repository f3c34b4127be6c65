package io.chat.cluster;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Warnings of the cluster's Redis calls that failed, at most one line per kind a {@link #PERIOD}. While Redis is down
 * every message, event, connection and login of every node fails its call, and a warning each filled the log at the
 * node's message rate (at 1,000 messages a second, 60,000 lines a minute). The first failure of a kind is logged at
 * once; those after it within the period are counted, and the count is logged with the next one after the period,
 * or by {@link #flush} (the beat's, every 2 s) once the period is over, or at {@link #flushAll} (the node's close):
 * {@code event=cluster-rate outcome=failed count=1234}, the failures that line stands for (a line without a count
 * stands for one), so the counts add up to every failure. A kind quiet for a whole period is logged at once again.
 *
 * <p>A kind is one of the fixed lines of this package (an event and, for some, an exception's class name), never a
 * client's string; there are a few dozen at most, and past {@link #MAX_KINDS} a line is logged as it comes.
 */
final class FailureWarnings {
    static final Duration PERIOD = Duration.ofSeconds(10);
    private static final int MAX_KINDS = 64;

    private final System.Logger logger;
    private final LongSupplier nanoTime;
    private final long periodNanos;
    private final ConcurrentHashMap<String, Kind> kinds = new ConcurrentHashMap<>();

    /** A kind's last line and the failures since (guarded by itself). */
    private static final class Kind {
        private long loggedAt;
        private long since;
        private boolean quiet = true;
    }

    FailureWarnings(System.Logger logger) {
        this(logger, System::nanoTime, PERIOD);
    }

    FailureWarnings(System.Logger logger, LongSupplier nanoTime, Duration period) {
        this.logger = logger;
        this.nanoTime = nanoTime;
        this.periodNanos = period.toNanos();
    }

    /** A failure of {@code line}'s kind ({@code event=... outcome=failed}, fixed text). */
    void failed(String line) {
        Kind kind = kinds.get(line);
        if (kind == null) {
            if (kinds.size() >= MAX_KINDS) {
                logger.log(System.Logger.Level.WARNING, line);
                return;
            }
            kind = kinds.computeIfAbsent(line, k -> new Kind());
        }
        long now = nanoTime.getAsLong();
        long count;
        synchronized (kind) {
            if (!kind.quiet && now - kind.loggedAt < periodNanos) {
                kind.since++;
                return;
            }
            count = kind.since + 1;
            kind.quiet = false;
            kind.loggedAt = now;
            kind.since = 0;
        }
        log(line, count);
    }

    /** Logs the failures counted by kinds whose period is over; a kind with none since its last line turns quiet. */
    void flush() {
        flush(false);
    }

    /** Logs every failure counted and not logged yet, period or not: the node is closing. */
    void flushAll() {
        flush(true);
    }

    private void flush(boolean all) {
        long now = nanoTime.getAsLong();
        kinds.forEach((line, kind) -> {
            long count;
            synchronized (kind) {
                if (kind.quiet || (!all && now - kind.loggedAt < periodNanos)) {
                    return;
                }
                count = kind.since;
                if (count == 0) {
                    kind.quiet = true;
                    return;
                }
                kind.loggedAt = now;
                kind.since = 0;
            }
            log(line, count);
        });
    }

    private void log(String line, long count) {
        logger.log(System.Logger.Level.WARNING, count == 1 ? line : line + " count=" + count);
    }
}
