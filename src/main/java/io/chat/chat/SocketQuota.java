package io.chat.chat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tenant's sockets, in all and per user, counted from the moment a CONNECT passes authentication: a place is
 * reserved before the socket is registered, so CONNECTs arriving together cannot all pass a check of the sockets
 * already registered (12 at once against a cap of 2 let 3 in). The place is given back when the socket goes, or
 * when its connection closed before it could be registered.
 */
final class SocketQuota {
    static final String KEY = SocketQuota.class.getName();

    private final Map<String, Integer> perUser = new HashMap<>();
    private int total;

    /** A place held by one socket; giving it back twice gives back one. */
    final class Place {
        private final String user;
        private final AtomicBoolean held = new AtomicBoolean(true);

        private Place(String user) {
            this.user = user;
        }

        String user() {
            return user;
        }

        /** @return true when this call gave the place back (the first one) */
        boolean release() {
            if (held.compareAndSet(true, false)) {
                SocketQuota.this.release(user);
                return true;
            }
            return false;
        }
    }

    /** A place for one more socket of {@code user}, or the refusal a client is told. */
    synchronized Result reserve(String user, int maxTotal, int maxPerUser) {
        if (total >= maxTotal) {
            return new Result(Optional.empty(), Optional.of("tenant full"));
        }
        int mine = perUser.getOrDefault(user, 0);
        if (mine >= maxPerUser) {
            return new Result(Optional.empty(), Optional.of("too many connections"));
        }
        perUser.put(user, mine + 1);
        total++;
        return new Result(Optional.of(new Place(user)), Optional.empty());
    }

    record Result(Optional<Place> place, Optional<String> refusal) {}

    /** User → their places held now. */
    synchronized Map<String, Integer> socketsByUser() {
        return Map.copyOf(perUser);
    }

    private synchronized void release(String user) {
        perUser.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : null);
        total--;
    }
}
