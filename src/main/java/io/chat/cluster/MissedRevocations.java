package io.chat.cluster;

import io.chat.tenant.Tenant;
import io.chat.tenant.TenantRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Drops this node's sockets of sessions that ended through another node whose notice never came (lost on Redis while
 * it was down or restarting). The database records every session ended before its expiry; each {@link #catchUp}
 * reads the last {@link #WINDOW} of that record and revokes what it had not read before. The window is far longer
 * than the time between two reads, so a revocation whose transaction committed late is still read; an id read before
 * is skipped, and one that ages out of the window is never read again, so remembering the last read's ids suffices.
 * Revoking a session twice (its notice came too) does nothing the second time: its sockets are gone.
 */
final class MissedRevocations {
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** How long the record is kept: much longer than the window, so that a node's slow read never misses a row. */
    static final Duration KEPT = Duration.ofHours(1);
    /** Bounds one read; more revocations than this in a minute are only caught up by their Redis notices. */
    static final int MOST_PER_READ = 10_000;
    /** Reads between two prunings of the record. */
    private static final int PRUNE_EVERY = 60;

    private static final System.Logger LOGGER = System.getLogger(MissedRevocations.class.getName());

    private final BiConsumer<Tenant, String> revoke;
    private Set<Long> lastRead = Set.of();
    private int reads;

    MissedRevocations(BiConsumer<Tenant, String> revoke) {
        this.revoke = revoke;
    }

    /** Revokes the sessions ended in the last window that the previous read did not hold; returns how many. */
    int catchUp(TenantRegistry tenants) {
        if (++reads % PRUNE_EVERY == 0) {
            tenants.forgetRevocationsOlderThan(KEPT);
        }
        List<TenantRegistry.Revoked> revoked = tenants.revokedWithin(WINDOW, MOST_PER_READ);
        if (revoked.size() == MOST_PER_READ) {
            LOGGER.log(System.Logger.Level.WARNING, "event=revocations-catch-up outcome=truncated");
        }
        Set<Long> read = new HashSet<>();
        int applied = 0;
        for (TenantRegistry.Revoked each : revoked) {
            read.add(each.id());
            if (!lastRead.contains(each.id())) {
                revoke.accept(each.tenant(), each.tokenKey());
                applied++;
            }
        }
        lastRead = read;
        return applied;
    }
}
