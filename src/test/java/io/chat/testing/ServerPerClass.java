package io.chat.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One server per test class, the way Helidon's {@code @ServerTest} owns its server: started before the class's
 * {@code @BeforeAll} methods, given to the class's non-final {@code static} fields of its type and to parameters of
 * its type, and closed after the class's {@code @AfterAll} methods. A subclass says how to start it.
 *
 * @param <S> the server
 */
public abstract class ServerPerClass<S extends AutoCloseable>
        implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final Class<S> type;
    private final ExtensionContext.Namespace namespace;

    protected ServerPerClass(Class<S> type) {
        this.type = type;
        this.namespace = ExtensionContext.Namespace.create(getClass());
    }

    /** Starts the server of {@code testClass}. */
    protected abstract S start(Class<?> testClass) throws Exception;

    @Override
    public final void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        S server = start(testClass);
        context.getStore(namespace).put(testClass, server);
        for (Class<?> owner = testClass; owner != null && owner != Object.class; owner = owner.getSuperclass()) {
            for (Field field : owner.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && !Modifier.isFinal(field.getModifiers())
                        && field.getType() == type) {
                    field.setAccessible(true);
                    field.set(null, server);
                }
            }
        }
    }

    @Override
    public final void afterAll(ExtensionContext context) throws Exception {
        S server = context.getStore(namespace).remove(context.getRequiredTestClass(), type);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public final boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == type;
    }

    @Override
    public final Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        // stores are read through to the parents: a method's context finds what the class's context put
        S server = context.getStore(namespace).get(context.getRequiredTestClass(), type);
        if (server == null) {
            throw new ExtensionConfigurationException("no " + type.getSimpleName() + " for this class");
        }
        return server;
    }

    /**
     * The class's {@code static R m(P defaults)} method carrying {@code annotation}, applied to {@code defaults}; the
     * defaults when it has none (the counterpart of Helidon's {@code @SetUpServer}).
     */
    protected static <P, R> Optional<R> setUp(
            Class<?> testClass,
            Class<? extends java.lang.annotation.Annotation> annotation,
            Class<P> parameter,
            Class<R> result,
            P defaults)
            throws Exception {
        for (Method method : testClass.getDeclaredMethods()) {
            if (method.isAnnotationPresent(annotation)) {
                if (!Modifier.isStatic(method.getModifiers())
                        || method.getReturnType() != result
                        || method.getParameterCount() != 1
                        || method.getParameterTypes()[0] != parameter) {
                    throw new ExtensionConfigurationException("@" + annotation.getSimpleName() + " must be static "
                            + result.getSimpleName() + " m(" + parameter.getSimpleName() + "): " + method);
                }
                method.setAccessible(true);
                return Optional.of(result.cast(method.invoke(null, defaults)));
            }
        }
        return Optional.empty();
    }
}
