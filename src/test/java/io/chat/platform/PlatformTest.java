package io.chat.platform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class run against one {@link PlatformServer} (the platform as {@code Main} starts it, on free ports and a
 * new tenants folder), started before the class's {@code @BeforeAll} methods and stopped after its
 * {@code @AfterAll} methods: the counterpart of Helidon's {@code @ServerTest}.
 *
 * <p>The server is given to the class's {@code static PlatformServer} fields and to any constructor or method
 * parameter of type {@link PlatformServer}. A {@code static} method annotated {@link SetUpPlatform}, taking and
 * returning {@link io.chat.Settings}, changes the settings the server starts with.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PlatformServerExtension.class)
public @interface PlatformTest {}
