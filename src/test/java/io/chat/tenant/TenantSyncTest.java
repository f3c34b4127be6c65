package io.chat.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.CommitObserver;
import io.chat.history.H2TenantStore;
import io.chat.history.StoreException;
import io.chat.history.TenantStore;
import io.chat.json.Json;
import io.chat.tenant.auth.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one catalog: what one provisions, suspends, resumes or deletes, the other's {@link
 * TenantRegistry#sync} applies, telling its listener as if it had done it (so its sockets follow).
 */
class TenantSyncTest {
    private final ExecutorService reads = Executors.newFixedThreadPool(2);
    /** The definitions both nodes see, as a shared database would hold them. */
    private final Map<TenantId, TenantDefinition> shared = new ConcurrentHashMap<>();

    private final List<String> eventsOfB = new CopyOnWriteArrayList<>();
    private final TenantRegistry nodeA = node("a", new CopyOnWriteArrayList<>());
    private final TenantRegistry nodeB = node("b", eventsOfB);

    @AfterEach
    void close() {
        nodeA.close();
        nodeB.close();
        reads.shutdown();
    }

    @Test
    void whatOneNodeChangesTheOtherAppliesOnSync() throws Exception {
        nodeA.provision(definition("acme"));
        assertTrue(nodeB.find("acme").isEmpty());
        assertEquals(1, nodeB.sync());
        assertEquals(List.of("opened acme"), eventsOfB);
        assertEquals(0, nodeB.sync(), "nothing changed since");

        nodeA.suspend(TenantId.parse("acme").orElseThrow());
        assertEquals(1, nodeB.sync());
        assertTrue(nodeB.find("acme").orElseThrow().suspended());
        nodeA.resume(TenantId.parse("acme").orElseThrow());
        nodeB.sync();
        assertEquals(List.of("opened acme", "suspended acme", "resumed acme"), eventsOfB);

        TenantStore storeOfB = nodeB.find("acme").orElseThrow().store();
        nodeA.delete(TenantId.parse("acme").orElseThrow());
        assertEquals(1, nodeB.sync());
        assertTrue(nodeB.find("acme").isEmpty());
        assertEquals("deleting acme", eventsOfB.getLast());
        StoreException closed = assertThrows(StoreException.class, () -> {
            try {
                storeOfB.append("r", "u", "t", Optional.empty()).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause();
            }
        });
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void anAdminLookupFindsATenantAnotherNodeCreatedBeforeItsNoticeArrives() throws Exception {
        nodeA.provision(definition("acme"));
        assertTrue(nodeB.find("acme").isEmpty(), "no sync yet");
        assertEquals("acme", nodeB.findLatest("acme").orElseThrow().id().value());
        assertEquals(List.of("opened acme"), eventsOfB);
        assertTrue(nodeB.findLatest("nobody").isEmpty());
        assertTrue(nodeB.findLatest("Not A Valid Id").isEmpty());
    }

    private TenantRegistry node(String name, List<String> events) {
        Path stores;
        try {
            stores = Files.createTempDirectory("sync-" + name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TenantCatalog catalog = new TenantCatalog() {
            @Override
            public boolean shared() {
                return true;
            }

            @Override
            public List<TenantDefinition> load() {
                return List.copyOf(shared.values());
            }

            @Override
            public void create(TenantDefinition definition) {
                if (shared.putIfAbsent(definition.id(), definition) != null) {
                    throw new TenantRegistry.TenantExists();
                }
            }

            @Override
            public void update(TenantDefinition definition) {
                shared.put(definition.id(), definition);
            }

            @Override
            public TenantStore openStore(TenantId id) {
                return H2TenantStore.open(stores.resolve(id.value()), id.value(), reads, CommitObserver.NONE);
            }

            @Override
            public void remove(TenantId id) {
                shared.remove(id);
            }
        };
        TenantRegistry.TenantListener recorder = new TenantRegistry.TenantListener() {
            @Override
            public void opened(Tenant tenant) {
                events.add("opened " + tenant.id());
            }

            @Override
            public void suspended(Tenant tenant) {
                events.add("suspended " + tenant.id());
            }

            @Override
            public void resumed(Tenant tenant) {
                events.add("resumed " + tenant.id());
            }

            @Override
            public void deleting(Tenant tenant) {
                events.add("deleting " + tenant.id());
            }

            @Override
            public void sessionsEnded(Tenant tenant, String username, String keptTokenKey) {
                events.add("sessionsEnded " + tenant.id() + " " + username + " " + keptTokenKey);
            }
        };
        return new TenantRegistry(catalog, new PasswordHasher(), Clock.systemUTC(), recorder);
    }

    private static TenantDefinition definition(String id) throws Exception {
        return TenantJson.fromRequest(
                Json.mapper().readTree("{\"id\":\"" + id + "\",\"auth\":{\"type\":\"password\"}}"), Instant.now());
    }
}
