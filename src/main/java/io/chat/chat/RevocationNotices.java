package io.chat.chat;

/**
 * How many times this node was told to drop a tenant's sockets for a revoked credential (a logout, a deleted user, a
 * suspension, the tenant's deletion; here, or on another node through the cluster). A CONNECT notes the count before
 * its credential is checked, and reads the store again once its socket is registered only when the count moved since:
 * a notice told before the registration found no socket to drop, one told after it finds the socket. So a burst of
 * CONNECTs costs one credential read each, not two (on a cluster both are database reads, and the second one failing
 * closes the connection). The lock orders each notice against each registration: whichever comes second sees the
 * first.
 */
final class RevocationNotices {
    private long told; // guarded by this

    /** The count now: read before the credential is checked. */
    synchronized long count() {
        return told;
    }

    /** Called before the sockets to drop are looked for. */
    synchronized void told() {
        told++;
    }

    /** Whether a notice came since {@code count} was read: called once the socket is registered. */
    synchronized boolean since(long count) {
        return told != count;
    }
}
