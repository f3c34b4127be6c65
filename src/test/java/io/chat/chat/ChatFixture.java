package io.chat.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chat.Launch;
import io.chat.Running;
import io.chat.api.PublicApi;
import io.chat.history.CommitObserver;
import io.chat.history.H2TenantStore;
import io.chat.history.SessionRecord;
import io.chat.history.UserRecord;
import io.chat.http.ClientAddress;
import io.chat.http.TrustedProxies;
import io.chat.json.Json;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.tenant.FolderTenantCatalog;
import io.chat.tenant.Tenant;
import io.chat.tenant.TenantJson;
import io.chat.tenant.TenantRegistry;
import io.chat.tenant.auth.PasswordHasher;
import io.chat.tenant.auth.SessionTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Socket.IO and the tenants' chat, wired as {@link Main#startPlatform} wires them, with what a test needs in hand:
 * the registry (so the store), and a read executor that can be held ({@link #holdReads()}) so that reads queue.
 */
final class ChatFixture implements AutoCloseable {
    private final ExecutorService readThreads = Executors.newFixedThreadPool(4);
    private volatile CompletableFuture<Void> readsReleased = CompletableFuture.completedFuture(null);
    /** Reads taken off the executor while {@link #captureReads()} is on, for the test to run in its own order. */
    private final List<Runnable> captured = new ArrayList<>();

    private boolean capturing; // guarded by captured

    final SocketIoServer io;
    final ChatService chat;
    final TenantRegistry registry;
    private final Running running;

    ChatFixture() throws IOException {
        this(CommitObserver.NONE);
    }

    /** With {@code commits} told of every commit of the tenants' stores, on the writer's thread. */
    ChatFixture(CommitObserver commits) throws IOException {
        io = SocketIoServer.create(SocketIoConfig.defaults());
        chat = new ChatService(io, Clock.systemUTC(), ClientAddress::network);
        registry = new TenantRegistry(
                FolderTenantCatalog.create(
                        Files.createTempDirectory("tenants"), H2TenantStore.opener(this::read, commits)),
                new PasswordHasher(),
                Clock.systemUTC(),
                chat);
        running = Launch.of(io)
                .routes(routes -> routes.register("/api", new PublicApi(registry, chat, TrustedProxies.none())))
                .start();
    }

    String url() {
        return "http://localhost:" + running.port();
    }

    private void read(Runnable task) {
        synchronized (captured) {
            if (capturing) {
                captured.add(task);
                captured.notifyAll();
                return;
            }
        }
        readThreads.execute(() -> {
            readsReleased.join();
            task.run();
        });
    }

    /** The store's reads from now on are kept, not run, until {@link #capturedReads}. */
    void captureReads() {
        synchronized (captured) {
            captured.clear();
            capturing = true;
        }
    }

    /** Waits up to 5 s for {@code count} captured reads, then stops capturing; the reads kept, in order. */
    List<Runnable> capturedReads(int count) throws InterruptedException {
        synchronized (captured) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (captured.size() < count && System.nanoTime() < deadline) {
                captured.wait(100);
            }
            capturing = false;
            return List.copyOf(captured);
        }
    }

    /** Reads wait on the read executor until {@link #releaseReads()}. */
    void holdReads() {
        readsReleased = new CompletableFuture<>();
    }

    void releaseReads() {
        readsReleased.complete(null);
    }

    Tenant tenant(String definitionJson) {
        try {
            JsonNode definition = Json.mapper().readTree(definitionJson);
            return registry.provision(TenantJson.fromRequest(definition, Instant.now()));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    Tenant passwordTenant(String id) {
        return tenant("{\"id\":\"" + id + "\",\"auth\":{\"type\":\"password\"}}");
    }

    /** A user with a session token valid until {@code expiresAt}, stored as a login would store it. */
    static String session(Tenant tenant, String username, Instant expiresAt) {
        if (tenant.store().user(username).join().isEmpty()) {
            tenant.store()
                    .createUser(new UserRecord(username, Optional.empty(), "not-a-hash", Instant.now()))
                    .join();
        }
        String token = SessionTokens.newToken();
        tenant.store()
                .saveSession(
                        new SessionRecord(SessionTokens.hash(token), username, expiresAt),
                        tenant.store().user(username).join().orElseThrow().passwordHash())
                .join();
        return token;
    }

    int sockets(Tenant tenant) {
        return chat.figures(tenant).sockets();
    }

    static void await(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        releaseReads();
        running.stop();
        registry.close();
        chat.close();
        readThreads.shutdown();
    }
}
