package io.chat.socketio;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class run against one {@link FixtureServer}, started before the class's {@code @BeforeAll} methods and
 * closed after its {@code @AfterAll} methods, given to its {@code static FixtureServer} fields and to parameters. A
 * {@code static EngineConfig m(EngineConfig defaults)} method annotated {@link SetUpFixture} changes the engine
 * settings (the defaults: {@link FixtureServer#start()}'s short heartbeats).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(FixtureServerExtension.class)
public @interface FixtureTest {}
