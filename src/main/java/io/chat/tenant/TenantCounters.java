package io.chat.tenant;

import java.util.concurrent.atomic.LongAdder;

/** Per-tenant figures for metrics. */
public final class TenantCounters {
    private final LongAdder delivered = new LongAdder();
    private final LongAdder failedLogins = new LongAdder();
    private final LongAdder queueFullCloses = new LongAdder();

    public void queueFullClose() {
        queueFullCloses.increment();
    }

    public long queueFullCloses() {
        return queueFullCloses.sum();
    }

    public void delivered(long count) {
        delivered.add(count);
    }

    public void failedLogin() {
        failedLogins.increment();
    }

    public long delivered() {
        return delivered.sum();
    }

    public long failedLogins() {
        return failedLogins.sum();
    }
}
