package io.chat.socketio.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A field's {@link VarHandle}, for the per-connection classes that keep plain volatile fields where an atomic object
 * would cost every idle socket its header (W3, docs/performance.md).
 */
public final class VarHandles {
    private VarHandles() {}

    /** The handle of {@code lookup}'s class's field {@code name} of {@code type}; fails the class's initialization. */
    public static VarHandle field(MethodHandles.Lookup lookup, String name, Class<?> type) {
        return field(lookup, lookup.lookupClass(), name, type);
    }

    /** The handle of field {@code name} of {@code type} in {@code owner}, which {@code lookup} may reach. */
    public static VarHandle field(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
