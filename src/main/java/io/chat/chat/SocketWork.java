package io.chat.chat;

import io.chat.socketio.Socket;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What runs on behalf of one socket and must stop when it disconnects: the history reads it is waiting for (a
 * cancelled read leaves its tenant's read queue and never reaches the database), the timer that disconnects it
 * when its credential expires, and the rooms presence counts it in. And the writes it started (messages, changes,
 * topics), which a revocation of its credential stops and waits for ({@link #stopWrites}).
 */
final class SocketWork {
    static final String KEY = "chat.work";
    /** {@link #writes}' sign bit: no write starts any more. */
    private static final int WRITES_STOPPED = Integer.MIN_VALUE;

    private static final VarHandle WRITES;
    private static final VarHandle WRITES_SETTLED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WRITES = lookup.findVarHandle(SocketWork.class, "writes", int.class);
            WRITES_SETTLED = lookup.findVarHandle(SocketWork.class, "writesSettled", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Writes started and not yet completed, with {@link #WRITES_STOPPED} once {@link #stopWrites} ran; through
     * {@link #WRITES} (a field, not an AtomicInteger: every socket of the platform has one).
     */
    private volatile int writes;
    /** Completes when writes have stopped and none is left; set once, before {@link #WRITES_STOPPED}. */
    private volatile CompletableFuture<Void> writesSettled;

    private final Set<CompletableFuture<?>> reads = ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> expiry;
    private volatile boolean stopped;
    /**
     * The rooms presence counts this socket in, guarded by {@link #presenceLock}: a room is counted and uncounted
     * once each, whichever of entering, leaving and disconnecting comes first. Its own lock, held only around the
     * count: the disconnect runs under the socket's lifecycle lock, which an entry takes inside this object's
     * monitor (to join the room), so the disconnect cannot take that monitor.
     */
    private final Set<String> counted = new HashSet<>();

    private final Object presenceLock = new Object();

    /**
     * Events of this socket refused (rate-limited, malformed, unknown) since {@link #refusalWindow} (System.nanoTime()).
     * Plain fields: counted where its events are dispatched, one at a time (the connection's reader, or its polling
     * POSTs, which never overlap).
     */
    private int refusals;

    private long refusalWindow;
    private boolean countingStopped;
    /**
     * Completes once every join of this socket that waits for the cluster's answer is done (a room named like a socket
     * id: TenantChat's check on every node); a leave of the socket waits for it, so that it is not done before a join
     * sent earlier (a review: the leave overtook the join, and the user stayed in the room).
     */
    private volatile CompletableFuture<Void> joinsChecked = DONE;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    /**
     * The order its events run in once one waited for the cluster; made then (most sockets never wait: every socket of
     * the platform has this field). Written by the socket's event dispatch only, one event at a time.
     */
    private volatile EventOrder order;

    /** The socket's event order, made now if it has none. */
    EventOrder order() {
        EventOrder existing = order;
        if (existing == null) {
            existing = order = new EventOrder();
        }
        return existing;
    }

    /** Whether an earlier event of the socket waits its turn (none ever did: false). */
    boolean eventsBehind() {
        EventOrder existing = order;
        return existing != null && existing.behindOthers();
    }

    /** Whether an event whose token is {@code token} may run now, on the dispatching thread. */
    boolean eventReady(CompletableFuture<?> token) {
        EventOrder existing = order;
        return existing == null ? token.isDone() : existing.ready(token);
    }

    /** Tracks a read until it completes; returns it. */
    <T> CompletableFuture<T> read(CompletableFuture<T> read) {
        reads.add(read);
        read.whenComplete((value, error) -> reads.remove(read));
        if (stopped) { // stop() may have run before the add: it cannot have seen this read
            read.cancel(false);
        }
        return read;
    }

    void expiry(ScheduledFuture<?> timer) {
        expiry = timer;
        if (stopped) {
            timer.cancel(false);
        }
    }

    /**
     * Counts the socket in {@code room} with {@code enter} (which answers whether it was the user's first socket
     * there), unless it is counted there already or has disconnected; returns what {@code enter} answered, or false.
     */
    boolean enterCounted(String room, BooleanSupplier enter) {
        synchronized (presenceLock) {
            return !countingStopped && counted.add(room) && enter.getAsBoolean();
        }
    }

    /** Uncounts the socket from {@code room} with {@code exit} if it was counted there; returns what it answered. */
    boolean exitCounted(String room, BooleanSupplier exit) {
        synchronized (presenceLock) {
            return counted.remove(room) && exit.getAsBoolean();
        }
    }

    /**
     * The socket disconnects: uncounts it from every room it was counted in, with {@code exit}, and counts it in no
     * room any more; returns the rooms where {@code exit} answered true (the user's last socket left).
     */
    List<String> exitAllCounted(Predicate<String> exit) {
        synchronized (presenceLock) {
            countingStopped = true;
            List<String> lastOut = new ArrayList<>();
            for (String room : counted) {
                if (exit.test(room)) {
                    lastOut.add(room);
                }
            }
            counted.clear();
            return lastOut;
        }
    }

    /** The socket's own: set when its CONNECT is accepted. */
    static SocketWork of(Socket socket) {
        return (SocketWork) socket.data().get(KEY);
    }

    /**
     * Starts a write on the socket's behalf ({@code write} returns a future that completes once the write is stored,
     * and answered where it answers then) and counts it until it completes; returns that future. Refused once
     * {@link #stopWrites} ran. Lock-free: one compare-and-set here, one atomic decrement when the write is done.
     */
    <F extends CompletableFuture<?>> F write(Supplier<F> write) {
        int now;
        do {
            now = writes;
            if (now < 0) {
                throw signedOut();
            }
        } while (!WRITES.compareAndSet(this, now, now + 1));
        F started;
        try {
            started = write.get();
        } catch (RuntimeException | Error e) {
            writeDone();
            throw e;
        }
        started.whenComplete((value, error) -> writeDone());
        return started;
    }

    private void writeDone() {
        if ((int) WRITES.getAndAdd(this, -1) - 1 == WRITES_STOPPED) {
            writesSettled.complete(null);
        }
    }

    /** Whether {@link #stopWrites} ran: the socket's credential is revoked and it is about to be disconnected. */
    boolean writesStopped() {
        return writes < 0;
    }

    /** What an event of a socket whose writes have stopped is told. */
    static Acks.Refusal signedOut() {
        return new Acks.Refusal(Acks.ErrorCode.FORBIDDEN, "signed out");
    }

    /**
     * The socket's credential was revoked: no write starts after this; the future completes once the writes started
     * before it have completed (at once when there are none). Idempotent.
     */
    CompletableFuture<Void> stopWrites() {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        if (!WRITES_SETTLED.compareAndSet(this, null, settled)) {
            return writesSettled;
        }
        int before;
        do {
            before = writes;
        } while (!WRITES.compareAndSet(this, before, before | WRITES_STOPPED));
        if (before == 0) {
            settled.complete(null);
        }
        return settled;
    }

    /** The socket is gone: its waiting reads are cancelled and its expiry timer too. Idempotent. */
    void stop() {
        stopped = true;
        reads.forEach(read -> read.cancel(false));
        ScheduledFuture<?> timer = expiry;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /**
     * Counts one refused event: true once the socket passed {@code most} refusals within {@code windowNanos}, which no
     * client does by mistake (each costs a parse and an answer, so one socket could keep a core busy with refused
     * events as well as with served ones).
     */
    boolean refusedTooOften(long nowNanos, int most, long windowNanos) {
        if (refusals == 0 || nowNanos - refusalWindow > windowNanos) {
            refusalWindow = nowNanos;
            refusals = 0;
        }
        return ++refusals > most;
    }

    /** A join of this socket waits for the cluster until {@code checked} completes. */
    synchronized void joinChecking(CompletableFuture<Void> checked) {
        CompletableFuture<Void> before = joinsChecked;
        joinsChecked = before.isDone() ? checked : CompletableFuture.allOf(before, checked);
    }

    /** Completes once the joins this socket sent so far that wait for the cluster are done. */
    CompletableFuture<Void> joinsChecked() {
        return joinsChecked;
    }
}
