package io.chat.chat;

import static io.chat.chat.Acks.ErrorCode.BAD_REQUEST;
import static io.chat.chat.Acks.ErrorCode.FORBIDDEN;
import static io.chat.chat.Acks.ErrorCode.NOT_FOUND;
import static io.chat.chat.Acks.ErrorCode.RATE_LIMITED;
import static io.chat.chat.Acks.ErrorCode.TOO_LARGE;
import static io.chat.chat.Acks.ErrorCode.UNAVAILABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.MessagePage;
import io.chat.history.RoomStore.Remembered;
import io.chat.history.Topic;
import io.chat.json.Json;
import io.chat.limits.Bucket;
import io.chat.socketio.Ack;
import io.chat.socketio.ConnectRejection;
import io.chat.socketio.DisconnectReason;
import io.chat.socketio.EventHandler;
import io.chat.socketio.Namespace;
import io.chat.socketio.Socket;
import io.chat.tenant.Names;
import io.chat.tenant.Tenant;
import io.chat.tenant.auth.AuthenticatedUser;
import io.chat.tenant.auth.CredentialUncheckedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The contract's events on one tenant's namespace. Everything a socket touches hangs off this object, bound to
 * one tenant at CONNECT: no tenant id from a client is read after that.
 */
final class TenantChat {
    private static final System.Logger LOGGER = System.getLogger(TenantChat.class.getName());
    // pages' counts; their bytes are bounded too, in the one place every answer of entries goes through (MessagePages)
    private static final int JOIN_HISTORY = 50;
    /** Where a join goes on once the cluster said its socket-id-shaped room is no other node's socket's. */
    private static final Executor JOIN_CHECKED =
            runnable -> Thread.ofVirtual().name("chat-join-checked").start(runnable);

    private static final int SINCE_PAGE = 500;
    private static final int FETCH_DEFAULT = 50;
    private static final int FETCH_MAX = 100;
    /**
     * Rooms one {@code rooms:list} names: 10,000 rooms were 859 KiB an answer, and the web client asks every 30 s;
     * a thousand are under 100 KiB even with 64-character names, more than a person scrolls through.
     */
    static final int ROOMS_LIST_MAX = 1_000;

    /** Seconds a client waits before it tries a CONNECT again that the store could not check (as Retry-After). */
    static final int CONNECT_RETRY_AFTER_SECONDS = 1;
    /**
     * Refused events a socket may have within {@link #REFUSAL_WINDOW} (10 a second past the largest burst of the
     * event and message buckets together): past it, it is disconnected.
     */
    static final int MAX_REFUSALS = 1_000;

    private static final int SOCKET_ID_LENGTH = 20;

    static final Duration REFUSAL_WINDOW = Duration.ofSeconds(10);
    /**
     * How long a revocation waits for the writes its sockets had started before it drops them anyway: far longer than
     * a commit takes, and under the contract's 2 s for a revoked socket's disconnect.
     */
    static final Duration REVOKED_WRITES_WAIT = Duration.ofMillis(1_500);

    private final Tenant tenant;
    private final Namespace namespace;
    private final Clock clock;
    /** Disconnects each socket when its credential expires; never runs anything slow. */
    private final ScheduledExecutorService expiries;

    private final Presence presence = new Presence();
    private final SocketQuota quota = new SocketQuota();
    private final RevocationNotices revocations = new RevocationNotices();
    private final UserBuckets buckets;
    /** Every user of the tenant together, so that one tenant cannot take the whole server from the others. */
    private final Bucket tenantBucket;
    /** The other nodes' share of the presence, the sockets and the rate: {@link Peers#ALONE} on a single node. */
    private final Peers peers;
    /** The rooms each user joined, kept by the store: restored at CONNECT, shared by the user's sockets. */
    private final Memberships memberships;
    /** How far each user read each room: {@code room:read}, synced to the user's other sockets. */
    private final ReadPositions readPositions;

    private final SocketRooms socketRooms = new SocketRooms();
    /** Refused CONNECTs per client network, every tenant's together. */
    private final TokenRefusals tokenRefusals;
    /** Direct messages and group DMs: rooms for their stored members only. */
    private final Conversations conversations;

    TenantChat(
            Tenant tenant,
            Namespace namespace,
            Clock clock,
            ScheduledExecutorService expiries,
            Peers.Factory peersFactory,
            TokenRefusals tokenRefusals) {
        this.tenant = tenant;
        this.tokenRefusals = tokenRefusals;
        this.namespace = namespace;
        this.clock = clock;
        this.expiries = expiries;
        this.buckets = new UserBuckets(tenant::limits, System.nanoTime());
        this.tenantBucket = Bucket.tokens(
                tenant.limits().tenantMessagesPerSecond(), tenant.limits().tenantMessageBurst(), System.nanoTime());
        this.peers = peersFactory.of(tenant, namespace, new Departures());
        this.memberships = new Memberships(tenant, namespace, clock, socketRooms, peers);
        this.readPositions = new ReadPositions(tenant, namespace, peers);
        this.conversations = new Conversations(tenant, clock, memberships, socketRooms, this::tryNewConversation);
    }

    /** A killed node's users, found gone by the cluster: told to every node's sockets. */
    private final class Departures implements Peers.Departures {
        @Override
        public void offline(String user) {
            namespace.emit("user:offline", userEvent(user));
        }

        @Override
        public void left(String room, String user) {
            namespace.to(room).emit("room:left", roomEvent(room, user));
        }

        @Override
        public Peers.Held held() {
            // read while sockets come and go: the cluster's copy may be a socket off until the next time, never more
            return new Peers.Held(presence.onlineUsers(), presence.memberships(), quota.socketsByUser());
        }

        @Override
        public void membershipChanged(String room, String user, boolean joined) {
            memberships.changedElsewhere(room, user, joined);
        }

        @Override
        public void readMoved(String room, String user, long seq) {
            readPositions.movedElsewhere(room, user, seq);
        }
    }

    /** The namespace is gone from this node. */
    void close() {
        revocations.told(); // a CONNECT under way reads its session again, from a store closing with the tenant
        peers.close();
    }

    Namespace namespace() {
        return namespace;
    }

    int roomsInUse() {
        return presence.roomSizes().size();
    }

    void install() {
        namespace.use(this::authenticate);
        namespace.onConnection(this::connected);
        // a place reserved at CONNECT is given back when the socket goes, or if it never came to be registered
        namespace.onDisconnect((socket, reason) -> releasePlace(socket));
        namespace.onConnectAbandoned(this::releasePlace);
        namespace.onDisconnecting((socket, reason) -> {
            if (reason == DisconnectReason.OUTBOUND_QUEUE_FULL) {
                tenant.counters().queueFullClose();
            }
            disconnecting(socket);
        });
        onLimited("room:join", this::join);
        onLimited("room:leave", this::leave);
        onLimited("rooms:list", this::listRooms);
        on("message:send", this::send); // has its own per-user and per-tenant buckets
        MessageChanges changes = new MessageChanges(tenant::store, this::admitMessage, tenant.counters()::delivered);
        on("message:edit", changes::edit); // message:send's buckets
        on("message:delete", changes::delete);
        on("reaction:toggle", changes::react);
        onLimited("history:fetch", this::fetch);
        onLimited("presence:list", this::presenceList);
        onLimited("typing", this::typing); // over the limit without an ack: dropped, as a volatile event may be
        onLimited("rooms:mine", memberships::mine);
        onLimited("rooms:directory", memberships::directory);
        onLimited("room:topic", memberships::topic);
        onLimited(ReadPositions.EVENT, readPositions::mark);
        MessageSearch search = new MessageSearch(
                tenant::store,
                socket -> work(socket).read(tenant.store().roomsOf(user(socket).username())),
                TenantChat::work,
                socket -> user(socket).username(),
                tenant::isUserName);
        onLimited("search", search::search);
        onLimited("dm:open", conversations::open);
        onLimited("users:list", conversations::users);
        onLimited("users:get", conversations::named);
        namespace.onUnknownEvent((socket, args, ack) -> {
            if (ack.requested()) {
                Acks.fail(ack, NOT_FOUND, "unknown event");
            }
            refused(socket);
        });
    }

    /**
     * Counts a refused event of {@code socket}; past {@link #MAX_REFUSALS} within {@link #REFUSAL_WINDOW} it is
     * disconnected (a review: one socket sent 20,000 unknown or malformed events in under a second, each answered),
     * and coming back it meets its user's CONNECT bucket.
     */
    private void refused(Socket socket) {
        if (work(socket).refusedTooOften(System.nanoTime(), MAX_REFUSALS, REFUSAL_WINDOW.toNanos())) {
            LOGGER.log(
                    System.Logger.Level.INFO, "tenant=" + tenant.id() + " event=disconnect outcome=refused-too-often");
            socket.disconnect(true);
        }
    }

    /** A handler that turns refusals into failure acks, and other failures into {@code unavailable}. */
    private void on(String event, EventHandler handler) {
        namespace.on(event, (socket, args, ack) -> {
            try {
                if (work(socket).writesStopped()) {
                    throw SocketWork.signedOut(); // revoked, about to be disconnected: no event of it is served
                }
                handler.handle(socket, args, ack);
            } catch (Acks.Refusal refusal) {
                Acks.fail(ack, refusal.code(), refusal.getMessage());
                refused(socket);
            } catch (RuntimeException e) {
                failed(event, e, ack);
            }
        });
    }

    private void failed(String event, RuntimeException e, Ack ack) {
        LOGGER.log(
                System.Logger.Level.WARNING,
                "tenant=" + tenant.id() + " event=" + event + " outcome=error type="
                        + e.getClass().getSimpleName());
        Acks.fail(ack, UNAVAILABLE, "try again later");
    }

    /**
     * An event that takes a token from its user's event bucket first, this node's then the cluster's:
     * {@code rate_limited} when there is none.
     */
    private void onLimited(String event, EventHandler handler) {
        on(event, (socket, args, ack) -> {
            String user = user(socket).username();
            if (!tryEvent(user)) {
                throw new Acks.Refusal(RATE_LIMITED, "slow down");
            }
            afterClusterToken(socket, event, peers.takeEvent(user), ack, () -> {
                if (!socket.connected()) {
                    return;
                }
                if (work(socket).writesStopped()) {
                    throw SocketWork.signedOut(); // revoked while it waited: refused, as at its arrival
                }
                handler.handle(socket, args, ack);
            });
        });
    }

    /**
     * Runs {@code work} once the cluster gave a token, after the socket's earlier events ({@link EventOrder}): at once,
     * on this thread, when nothing waits (a single node, as always); else once its turn comes, acking refusals and
     * failures as {@link #on} does.
     */
    private void afterClusterToken(
            Socket socket, String event, CompletableFuture<Boolean> token, Ack ack, Runnable work) {
        if (work(socket).eventReady(token)) {
            if (!token.join()) { // never failed: the cluster's refusal to answer counts as a token
                throw new Acks.Refusal(RATE_LIMITED, "slow down");
            }
            work.run();
            return;
        }
        work(socket).order().later(token, () -> {
            try {
                if (!Boolean.TRUE.equals(token.getNow(false))) {
                    throw new Acks.Refusal(RATE_LIMITED, "slow down");
                }
                work.run();
            } catch (Acks.Refusal refusal) {
                Acks.fail(ack, refusal.code(), refusal.getMessage());
            } catch (RuntimeException e) {
                failed(event, e, ack);
            }
        });
    }

    /** Takes a token from the user's event bucket, which their sockets and REST history reads share. */
    boolean tryEvent(String username) {
        long now = System.nanoTime();
        return buckets.of(username, now).events().tryTake(now);
    }

    /** Takes a token from the user's bucket of new conversations. */
    private boolean tryNewConversation(String username) {
        long now = System.nanoTime();
        return buckets.of(username, now).conversations().tryTake(now);
    }

    // --- connection ----------------------------------------------------------------------------------------

    private void authenticate(Socket socket) {
        if (tenant.suspended()) {
            throw new ConnectRejection("tenant suspended");
        }
        JsonNode token = socket.handshake().auth().get("token");
        if (token == null || !token.isTextual()) {
            throw new ConnectRejection("unauthorized");
        }
        long noticesSeen = revocations.count();
        AuthenticatedUser user = checkedFrom(socket, token.asText());
        admitConnect(user.username());
        // the last check: once a place is reserved, nothing may refuse the socket without giving it back
        SocketQuota.Result quotaResult = quota.reserve(
                user.username(),
                tenant.limits().socketsPerTenant(),
                tenant.limits().socketsPerUser());
        SocketQuota.Place place = quotaResult
                .place()
                .orElseThrow(() -> new ConnectRejection(quotaResult.refusal().orElseThrow()));
        // this node's place first (cheap, and never more than the cluster's), then the cluster's
        Optional<String> clusterRefusal = peers.reserveSocket(
                user.username(),
                tenant.limits().socketsPerTenant(),
                tenant.limits().socketsPerUser());
        if (clusterRefusal.isPresent()) {
            place.release();
            throw new ConnectRejection(clusterRefusal.get());
        }
        socket.data().put(SocketQuota.KEY, place);
        socket.data()
                .put(
                        ChatUser.KEY,
                        new ChatUser(
                                user.username(),
                                Tenant.tokenKey(token.asText()),
                                tenant.acceptedUntil(user),
                                noticesSeen));
        socket.data().put(SocketWork.KEY, new SocketWork());
        Memberships.optIn(socket);
    }

    /**
     * The token's user; "unauthorized" when it is refused, and "unavailable" with a wait, before any lookup, while the
     * client's network has no session-token refusals left for this tenant ({@link TokenRefusals}).
     */
    private AuthenticatedUser checkedFrom(Socket socket, String token) {
        try {
            return tokenRefusals
                    .check(tenant, socket.handshake().address(), token, () -> checked(token))
                    .orElseThrow(() -> new ConnectRejection("unauthorized"));
        } catch (TooManyRefusedTokens e) {
            throw rateLimitedConnect(e.retryAfterSeconds());
        }
    }

    /**
     * The token's user, empty when it is refused. A store that could not check it is no refusal: "unauthorized" would
     * sign the user out and clear their unsent messages, so the client is told to try again instead.
     */
    private Optional<AuthenticatedUser> checked(String token) {
        try {
            return tenant.authenticate(token);
        } catch (CredentialUncheckedException e) {
            ObjectNode data = Json.mapper()
                    .createObjectNode()
                    .put("code", UNAVAILABLE.wire())
                    .put("retryAfter", CONNECT_RETRY_AFTER_SECONDS);
            throw new ConnectRejection(UNAVAILABLE.wire(), Optional.of(data));
        }
    }

    /**
     * Takes a token from the user's CONNECT bucket; past it the CONNECT is refused as "unavailable" with a pause
     * (clients already wait and connect again on that answer), the code saying why.
     */
    private void admitConnect(String username) {
        long now = System.nanoTime();
        Bucket connects = buckets.of(username, now).connects();
        if (!connects.tryTake(now)) {
            throw rateLimitedConnect(connects.retryAfterSeconds(now));
        }
    }

    /** A CONNECT refused as "unavailable" with a wait, the code saying why (rate_limited). */
    private static ConnectRejection rateLimitedConnect(long retryAfterSeconds) {
        ObjectNode data = Json.mapper()
                .createObjectNode()
                .put("code", RATE_LIMITED.wire())
                .put("retryAfter", Math.max(CONNECT_RETRY_AFTER_SECONDS, retryAfterSeconds));
        return new ConnectRejection(UNAVAILABLE.wire(), Optional.of(data));
    }

    private void releasePlace(Socket socket) {
        if (socket.data().get(SocketQuota.KEY) instanceof SocketQuota.Place place && place.release()) {
            peers.releaseSocket(place.user());
        }
    }

    /** The socket goes when its credential does, as a new CONNECT with it would be refused. */
    private void disconnectOnExpiry(Socket socket) {
        long millis = Math.max(
                0, Duration.between(clock.instant(), user(socket).expiresAt()).toMillis());
        work(socket)
                .expiry(expiries.schedule(
                        () -> {
                            if (socket.connected()) {
                                LOGGER.log(
                                        System.Logger.Level.DEBUG,
                                        "tenant=" + tenant.id() + " event=disconnect reason=expired");
                                socket.disconnect(false);
                            }
                        },
                        millis,
                        TimeUnit.MILLISECONDS));
        if (!socket.connected()) {
            work(socket).stop(); // disconnected before the timer was there to be cancelled
        }
    }

    private void connected(Socket socket) {
        String user = user(socket).username();
        disconnectOnExpiry(socket);
        if (presence.connected(user)) {
            whenTrue(peers.online(user), () -> socket.broadcast().emit("user:online", userEvent(user)));
        }
        // the token was checked before this socket was registered: a revocation told in between did not see the socket.
        // A suspension is a flag; a session is read again only when a revocation was told since (RevocationNotices)
        ChatUser chatUser = user(socket);
        try {
            if (tenant.suspended()
                    || revocations.since(chatUser.noticesSeen()) && !tenant.notRevoked(chatUser.tokenKey())) {
                socket.disconnect(false);
                return;
            }
        } catch (RuntimeException e) {
            // fails closed: the connection closes, the client retries by itself (told "unavailable" until the store
            // answers again). Not on this thread, which holds this socket's lifecycle: closing the connection closes
            // the client's other sockets, and one of them may be connecting on another thread holding its own.
            LOGGER.log(System.Logger.Level.WARNING, "tenant=" + tenant.id() + " event=connect-recheck outcome=error");
            expiries.execute(() -> socket.disconnect(true));
            return;
        }
        LOGGER.log(System.Logger.Level.DEBUG, "tenant=" + tenant.id() + " event=connect outcome=ok");
        if (Memberships.follows(socket)) {
            memberships.restore(socket);
        }
    }

    private void disconnecting(Socket socket) {
        SocketWork work = work(socket);
        work.stop();
        ChatUser user = user(socket);
        // the rooms presence counted the socket in, not socket.rooms(): an entry under way counts it or not, never
        // after this (SocketWork.enterCounted)
        for (String room : work.exitAllCounted(room -> presence.exit(room, user.username()))) {
            whenTrue(peers.exited(room, user.username()), () -> socket.to(room)
                    .emit("room:left", roomEvent(room, user.username())));
        }
        if (presence.disconnected(user.username())) {
            whenTrue(peers.offline(user.username()), () -> socket.broadcast()
                    .emit("user:offline", userEvent(user.username())));
        }
    }

    // --- events --------------------------------------------------------------------------------------------

    private void join(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        OptionalLong since = Payloads.seq(payload, "since");
        Payloads.refuseSocketId(room);
        unlessSocketElsewhere(
                socket,
                room,
                ack,
                () -> whenMember(socket, room, "room:join", ack, () -> joinRoom(socket, room, since, ack)));
    }

    private void joinRoom(Socket socket, String room, OptionalLong since, Ack ack) {
        // a socket in the room already is its user's member (restored at CONNECT, or joined before): nothing to store;
        // nor for a socket that keeps rooms of its own
        CompletableFuture<Remembered> remembered = CompletableFuture.completedFuture(Remembered.ALREADY);
        if (!socket.inRoom(room)) {
            if (!socketRooms.enter(socket, room)) {
                throw new Acks.Refusal(TOO_LARGE, "too many rooms");
            }
            if (Memberships.follows(socket)) {
                try {
                    remembered = work(socket).write(() -> memberships.remember(socket, room));
                } catch (Acks.Refusal signedOut) {
                    socketRooms.exit(socket, room);
                    throw signedOut;
                }
            }
        }
        CompletableFuture<Remembered> kept = remembered;
        CompletableFuture<MessagePage> history = work(socket)
                .read(
                        since.isPresent()
                                ? tenant.store().since(room, since.getAsLong(), SINCE_PAGE)
                                : tenant.store().before(room, OptionalLong.empty(), JOIN_HISTORY));
        // the topic for a following socket's first join only: a plain socket's join reads what it always read
        CompletableFuture<Optional<Topic>> topic = Memberships.follows(socket) && since.isEmpty()
                ? work(socket).read(tenant.store().topic(room))
                : CompletableFuture.completedFuture(Optional.empty());
        // in a cluster, the ack waits until the other nodes' messages to the room reach this one (never fails)
        CompletableFuture<Void> receiving = namespace.adapter().receiving(room);
        CompletableFuture.allOf(kept, history, topic, receiving).whenCompleteAsync((done, failed) -> {
            Remembered membership = kept.isCompletedExceptionally() ? null : kept.join();
            if (membership == null || membership == Remembered.FULL || membership == Remembered.NOT_MEMBER) {
                socketRooms.exit(socket, room); // not kept: not joined either
                if (membership == Remembered.NOT_MEMBER) {
                    Acks.fail(ack, FORBIDDEN, Conversations.NOT_A_MEMBER);
                    return;
                }
                Acks.fail(
                        ack,
                        membership == null ? UNAVAILABLE : TOO_LARGE,
                        membership == null ? "membership not stored" : "too many rooms");
                return;
            }
            if (membership == Remembered.ADDED) {
                memberships.remembered(socket, room);
            }
            if (failed != null) {
                Acks.fail(ack, UNAVAILABLE, "history unavailable");
                return;
            }
            // the members once the history is there, as they are then (on every node, in a cluster)
            peers.members(room, presence.members(room)).thenAccept(members -> {
                MessagePage page = history.join();
                ObjectNode body = Acks.ok().put("room", room);
                members.forEach(body.putArray("members")::add);
                long budget = MessagePages.budget(socket.outboundRoom());
                if (since.isPresent()) {
                    MessagePages.putOldest(body, page, budget);
                } else {
                    MessagePages.putNewest(body, page, budget);
                }
                topic.join().ifPresent(t -> body.set("topic", Memberships.topicJson(t)));
                ack.send(body);
            });
        });
    }

    private void leave(Socket socket, List<JsonNode> args, Ack ack) {
        String room = Payloads.room(Payloads.object(args));
        Payloads.refuseSocketId(room);
        // after the joins sent before it that wait for the cluster: a leave sent after a join is not done before it
        whenJoinsChecked(socket, "room:leave", ack, () -> {
            // a conversation's leave hides it: its members stay stored, and dm:open or room:join brings it back
            socketRooms.exit(socket, room);
            if (Memberships.follows(socket)) {
                memberships.forget(socket, room, ack); // acks once the store has forgotten it
            } else {
                ack.send(Acks.ok());
            }
        });
    }

    /**
     * Puts sockets in rooms and takes them out, telling the room when a user's first socket enters and last one
     * leaves. One socket's entries and exits are serialized (on its {@link SocketWork}): a room restored at CONNECT and
     * the client's own join of it may come at once, and presence counts each socket once.
     */
    private final class SocketRooms implements Memberships.Rooms {
        @Override
        public boolean enter(Socket socket, String room) {
            synchronized (work(socket)) {
                if (socket.inRoom(room)) {
                    return true;
                }
                if (!Names.isRoomOrConversation(room)) {
                    // a name from the store, or from another server on the Redis (chat:membership), that is no room's:
                    // a socket's id above all
                    return false;
                }
                if (socket.rooms().size() - 1 >= tenant.limits().roomsPerSocket()) {
                    return false;
                }
                socket.join(room);
                if (!socket.inRoom(room)) {
                    return false; // closed meanwhile
                }
                String user = user(socket).username();
                if (work(socket).enterCounted(room, () -> presence.enter(room, user))) {
                    whenTrue(peers.entered(room, user), () -> socket.to(room)
                            .emit("room:joined", roomEvent(room, user)));
                }
                return true;
            }
        }

        @Override
        public void exit(Socket socket, String room) {
            synchronized (work(socket)) {
                if (!socket.inRoom(room)) {
                    return;
                }
                socket.leave(room);
                String user = user(socket).username();
                if (work(socket).exitCounted(room, () -> presence.exit(room, user))) {
                    whenTrue(
                            peers.exited(room, user),
                            () -> namespace.to(room).emit("room:left", roomEvent(room, user)));
                }
            }
        }
    }

    private void listRooms(Socket socket, List<JsonNode> args, Ack ack) {
        if (!args.isEmpty() && !args.getFirst().isObject() && !args.getFirst().isNull()) {
            throw new Acks.Refusal(BAD_REQUEST, "payload must be an object");
        }
        Peers.Listing here = presence.busiestRooms(ROOMS_LIST_MAX);
        peers.busiestRooms(ROOMS_LIST_MAX, here).thenAccept(listing -> {
            ObjectNode body = Acks.ok();
            ArrayNode rooms = body.putArray("rooms");
            for (Map.Entry<String, Integer> entry : listing.rooms().entrySet()) {
                if (Names.isConversation(entry.getKey())) {
                    continue; // its members are no one else's business
                }
                rooms.addObject().put("name", entry.getKey()).put("members", entry.getValue());
            }
            if (listing.truncated()) {
                body.put("truncated", true); // only then: under the cap the answer is the contract's, key for key
            }
            ack.send(body);
        });
    }

    private void send(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        String text = Payloads.text(payload);
        var clientId = Payloads.clientId(payload);
        admitMessage(
                socket,
                room,
                "message:send",
                ack,
                () -> store(socket, room, user(socket).username(), text, clientId, ack));
    }

    /**
     * What a write to a room's history must pass, after its payload is valid: a room joined, then the user's message
     * bucket, the tenant's, and the cluster's. Runs {@code then} at once on a single node, when the cluster answers
     * otherwise, as one of the socket's writes ({@link SocketWork#write}: refused once its credential is revoked).
     * Shared by {@code message:send} and the changes ({@link MessageChanges}).
     */
    private void admitMessage(Socket socket, String room, String event, Ack ack, Supplier<CompletableFuture<?>> then) {
        Payloads.refuseSocketId(room);
        String user = user(socket).username();
        // refused before the buckets when it can be told now; with an earlier event still to run (a join waiting for
        // the cluster), once that ran
        if (!work(socket).eventsBehind()) {
            refuseOutsider(socket, room);
        }
        long now = System.nanoTime();
        Bucket bucket = buckets.of(user, now).messages();
        // the user's own bucket first: a user over its own limit must not use up the tenant's shared tokens
        if (!bucket.tryTake(now) || !tenantBucket.tryTake(now)) {
            throw new Acks.Refusal(RATE_LIMITED, "slow down");
        }
        afterClusterToken(socket, event, peers.takeMessage(user), ack, () -> {
            // again even when it runs at once: the earlier event that skipped the check above may have ended since
            // (QueuedEventRoomCheckTest)
            refuseOutsider(socket, room);
            work(socket).write(then);
        });
    }

    private static void refuseOutsider(Socket socket, String room) {
        if (!socket.inRoom(room)) {
            throw new Acks.Refusal(FORBIDDEN, "join the room first");
        }
    }

    private CompletableFuture<?> store(
            Socket socket, String room, String user, String text, Optional<String> clientId, Ack ack) {
        // completes on the store's writer thread, in commit order: the fan-out keeps each room in seq order
        return tenant.store().append(room, user, text, clientId).whenComplete((result, error) -> {
            if (error != null) {
                Acks.fail(ack, UNAVAILABLE, "message not stored");
                return;
            }
            ObjectNode message = MessageJson.of(result.message());
            if (!result.duplicate()) {
                int delivered = socket.to(room).emit("message", message);
                tenant.counters().delivered(delivered);
            }
            ack.send(Acks.ok().set("message", message));
        });
    }

    private void fetch(Socket socket, List<JsonNode> args, Ack ack) {
        JsonNode payload = Payloads.object(args);
        String room = Payloads.room(payload);
        OptionalLong before = Payloads.seq(payload, "before");
        int limit = Payloads.limit(payload, FETCH_DEFAULT, FETCH_MAX);
        Payloads.refuseSocketId(room);
        whenMember(socket, room, "history:fetch", ack, () -> work(socket)
                .read(tenant.store().before(room, before, limit))
                .whenComplete((page, error) -> {
                    if (error != null) {
                        Acks.fail(ack, UNAVAILABLE, "history unavailable");
                        return;
                    }
                    ack.send(MessagePages.putNewest(Acks.ok(), page, MessagePages.budget(socket.outboundRoom())));
                }));
    }

    private void presenceList(Socket socket, List<JsonNode> args, Ack ack) {
        String room = Payloads.room(Payloads.object(args));
        Payloads.refuseSocketId(room);
        whenMember(socket, room, "presence:list", ack, () -> peers.members(room, presence.members(room))
                .thenAccept(members -> {
                    ObjectNode body = Acks.ok();
                    members.forEach(body.putArray("users")::add);
                    ack.send(body);
                }));
    }

    private void typing(Socket socket, List<JsonNode> args, Ack ack) {
        String room = Payloads.room(Payloads.object(args));
        Payloads.refuseSocketId(room);
        if (!socket.inRoom(room)) {
            throw new Acks.Refusal(FORBIDDEN, "join the room first");
        }
        socket.to(room)
                .volatileEvent()
                .emit("typing", roomEvent(room, user(socket).username()));
        if (ack.requested()) {
            ack.send(Acks.ok());
        }
    }

    // --- revocation and announcements ------------------------------------------------------------------------

    /**
     * Drops the sockets that connected with a revoked credential. Each stops taking writes at once; it is disconnected
     * once the writes it had started are stored and answered (acks before the disconnect), and the future completes
     * then: whoever revoked waits for it, so that nothing is stored on the credential's behalf after the revocation
     * answered ({@link ChatService}).
     */
    CompletableFuture<Void> disconnectToken(String tokenKey) {
        return disconnectWhen(socket -> user(socket).tokenKey().equals(tokenKey));
    }

    /** The user's sockets but those of the session {@code keptTokenKey} (none when empty). */
    CompletableFuture<Void> disconnectUser(String username, String keptTokenKey) {
        return disconnectWhen(socket -> user(socket).username().equals(username)
                && !user(socket).tokenKey().equals(keptTokenKey));
    }

    CompletableFuture<Void> disconnectAll() {
        revocations.told();
        return settled(List.copyOf(namespace.sockets())).thenRun(() -> namespace.disconnectSockets(false));
    }

    private CompletableFuture<Void> disconnectWhen(Predicate<Socket> revoked) {
        revocations.told();
        List<CompletableFuture<Void>> each = new ArrayList<>();
        for (Socket socket : List.copyOf(namespace.sockets())) {
            if (revoked.test(socket)) {
                each.add(settled(List.of(socket)).thenRun(() -> socket.disconnect(false)));
            }
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
    }

    /**
     * Stops the sockets' writes; completes (never exceptionally) once those started have, or after {@link
     * #REVOKED_WRITES_WAIT} when the store is that slow: on this thread when none was under way, else on {@link
     * #expiries} (not the store's writer thread, which completes the last of them), or the thread that completes them
     * once that executor has stopped.
     */
    private CompletableFuture<Void> settled(List<Socket> sockets) {
        CompletableFuture<?>[] writes =
                sockets.stream().map(socket -> work(socket).stopWrites()).toArray(CompletableFuture[]::new);
        CompletableFuture<Void> all = CompletableFuture.allOf(writes);
        return all.isDone()
                ? all
                : all.completeOnTimeout(null, REVOKED_WRITES_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                        .thenRunAsync(() -> {}, this::offTheWriter);
    }

    private void offTheWriter(Runnable task) {
        try {
            expiries.execute(task);
        } catch (RejectedExecutionException stopping) {
            task.run();
        }
    }

    void userUpdated(String username, Optional<String> displayName) {
        ObjectNode event = Json.mapper().createObjectNode().put("user", username);
        displayName.ifPresent(name -> event.put("displayName", name));
        int delivered = namespace.emit("user:updated", event);
        tenant.counters().delivered(delivered);
    }

    void announce(String text, Instant ts) {
        ObjectNode event = Json.mapper().createObjectNode().put("text", text).put("ts", ts.toString());
        int delivered = namespace.emit("announcement", event);
        tenant.counters().delivered(delivered);
    }

    /**
     * Runs {@code then} unless {@code room} is the id of a socket of another Socket.IO server on the same Redis (a Node
     * server with the official adapter, whose ids are shaped like room names): a join is the only way into a room, so
     * the other events that name one need no more than {@link Payloads#refuseSocketId}. Only a name shaped as the official
     * server's socket id costs the cluster's answer; when the cluster cannot answer, the join is refused {@code
     * unavailable} (a review: let through while Redis was down, the membership stayed once it was back).
     */
    private void unlessSocketElsewhere(Socket socket, String room, Ack ack, Runnable then) {
        if (!shapedAsSocketId(room)) {
            then.run();
            return;
        }
        CompletableFuture<Void> checked = new CompletableFuture<>();
        work(socket).joinChecking(checked);
        // answered on Redis's I/O thread: the join (and its count) goes on elsewhere, never holding that thread
        peers.isSocketElsewhere(room)
                .whenCompleteAsync(
                        (elsewhere, error) -> {
                            try {
                                if (error != null) {
                                    Acks.fail(ack, UNAVAILABLE, "room check unavailable");
                                } else if (elsewhere) {
                                    Acks.fail(ack, FORBIDDEN, Payloads.ROOM_NOT_ALLOWED);
                                    refused(socket);
                                } else {
                                    runConnected(socket, "room:join", ack, then);
                                }
                            } finally {
                                checked.complete(null); // the socket is in the room by now, or will not be
                            }
                        },
                        JOIN_CHECKED);
    }

    /** Runs {@code then} once the socket's joins that wait for the cluster ({@link #unlessSocketElsewhere}) are done. */
    private void whenJoinsChecked(Socket socket, String event, Ack ack, Runnable then) {
        CompletableFuture<Void> joins = work(socket).joinsChecked();
        if (joins.isDone()) {
            then.run();
        } else {
            joins.whenComplete((done, error) -> runConnected(socket, event, ack, then));
        }
    }

    /** Runs {@code then} in a later stage of an event, with the refusals and failures it throws acked as the event's. */
    private void runConnected(Socket socket, String event, Ack ack, Runnable then) {
        try {
            if (socket.connected()) {
                then.run();
            }
        } catch (Acks.Refusal refusal) {
            Acks.fail(ack, refusal.code(), refusal.getMessage());
            refused(socket);
        } catch (RuntimeException e) {
            failed(event, e, ack);
        }
    }

    /** 20 characters of base64url: 15 random bytes, as socket.io's base64id makes a socket's id (ours add a ~). */
    static boolean shapedAsSocketId(String room) {
        if (room.length() != SOCKET_ID_LENGTH) {
            return false;
        }
        for (int i = 0; i < room.length(); i++) {
            char c = room.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs {@code then} when the socket's user may read the room: at once for a room, or a conversation the socket is
     * in (it entered as a member); else once the store says the user is one of the conversation's members. A non-member
     * is told {@code forbidden} {@value Conversations#NOT_A_MEMBER}, whether the conversation exists or not.
     */
    private void whenMember(Socket socket, String room, String event, Ack ack, Runnable then) {
        if (!Names.isConversation(room) || socket.inRoom(room)) {
            then.run();
            return;
        }
        String user = user(socket).username();
        work(socket).read(tenant.store().conversationMembers(room)).whenComplete((members, error) -> {
            try {
                if (error != null) {
                    throw new Acks.Refusal(UNAVAILABLE, "try again later");
                }
                if (!members.contains(user)) {
                    throw new Acks.Refusal(FORBIDDEN, Conversations.NOT_A_MEMBER);
                }
                if (socket.connected()) {
                    then.run();
                }
            } catch (Acks.Refusal refusal) {
                Acks.fail(ack, refusal.code(), refusal.getMessage());
            } catch (RuntimeException e) {
                failed(event, e, ack);
            }
        });
    }

    /** Runs {@code then} once {@code answer} is true: at once on a single node, when the cluster answers otherwise. */
    /** Runs {@code then} when the cluster's answer is yes, in the order the answers came ({@link Peers#presenceEvents}). */
    private void whenTrue(CompletableFuture<Boolean> answer, Runnable then) {
        answer.thenAcceptAsync(
                yes -> {
                    if (yes) {
                        then.run();
                    }
                },
                peers.presenceEvents());
    }

    private static ChatUser user(Socket socket) {
        return (ChatUser) socket.data().get(ChatUser.KEY);
    }

    private static SocketWork work(Socket socket) {
        return SocketWork.of(socket);
    }

    private static ObjectNode roomEvent(String room, String user) {
        return Json.mapper().createObjectNode().put("room", room).put("user", user);
    }

    private static ObjectNode userEvent(String user) {
        return Json.mapper().createObjectNode().put("user", user);
    }
}
