package io.chat.testing;

import io.socket.client.Manager;
import io.socket.engineio.client.Transport;
import java.lang.reflect.Field;
import java.util.function.Consumer;

/**
 * The Engine.IO side of the official Java client 2.1.2, which keeps its engine package-private although the
 * transport upgrade is only announced there.
 */
public final class JavaClientEngine {
    private JavaClientEngine() {}

    public static io.socket.engineio.client.Socket engineOf(Manager manager) {
        try {
            Field engine = Manager.class.getDeclaredField("engine");
            engine.setAccessible(true);
            return (io.socket.engineio.client.Socket) engine.get(manager);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("socket.io-client internals changed", e);
        }
    }

    /**
     * Calls {@code upgraded} with the new transport's name each time an Engine.IO connection of the manager
     * upgrades; {@code created} with the name of every transport it creates (upgrade probes included).
     */
    public static void watch(Manager manager, Consumer<String> created, Consumer<String> upgraded) {
        manager.on(Manager.EVENT_TRANSPORT, args -> {
            String name = ((Transport) args[0]).name;
            created.accept(name);
            // the first transport of each engine is created by its open(), after Manager.open() set the engine;
            // a reconnection makes a new engine, hooked the same way
            io.socket.engineio.client.Socket engine = engineOf(manager);
            if (engine != null
                    && engine.listeners(io.socket.engineio.client.Socket.EVENT_UPGRADE)
                            .isEmpty()) {
                engine.on(
                        io.socket.engineio.client.Socket.EVENT_UPGRADE,
                        upgrade -> upgraded.accept(((Transport) upgrade[0]).name));
            }
        });
    }
}
