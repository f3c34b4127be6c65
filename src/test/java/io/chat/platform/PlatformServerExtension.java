package io.chat.platform;

import io.chat.Settings;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Owns the {@link PlatformServer} of a {@link PlatformTest} class: starts it once before the class, gives it to the
 * class's static fields and to parameters, and stops it after the class.
 */
public final class PlatformServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(PlatformServerExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        PlatformServer server = PlatformServer.start(settings(testClass));
        context.getStore(NAMESPACE).put(testClass, server);
        for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && !Modifier.isFinal(field.getModifiers())
                        && field.getType() == PlatformServer.class) {
                    field.setAccessible(true);
                    field.set(null, server);
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PlatformServer server =
                context.getStore(NAMESPACE).remove(context.getRequiredTestClass(), PlatformServer.class);
        if (server != null) {
            server.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PlatformServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server(context);
    }

    private static PlatformServer server(ExtensionContext context) {
        // stores are read through to the parents: a method's context finds what the class's context put
        PlatformServer server = context.getStore(NAMESPACE).get(context.getRequiredTestClass(), PlatformServer.class);
        if (server == null) {
            throw new ExtensionConfigurationException("no PlatformServer: is the class annotated @PlatformTest?");
        }
        return server;
    }

    /** The test defaults, changed by the class's {@link SetUpPlatform} method when it has one. */
    private static Settings settings(Class<?> testClass) throws Exception {
        Settings defaults = PlatformServer.testSettings();
        for (Method method : testClass.getDeclaredMethods()) {
            if (method.isAnnotationPresent(SetUpPlatform.class)) {
                if (!Modifier.isStatic(method.getModifiers())
                        || method.getReturnType() != Settings.class
                        || method.getParameterCount() != 1
                        || method.getParameterTypes()[0] != Settings.class) {
                    throw new ExtensionConfigurationException(
                            "@SetUpPlatform must be static Settings m(Settings): " + method);
                }
                method.setAccessible(true);
                return (Settings) method.invoke(null, defaults);
            }
        }
        return defaults;
    }
}
