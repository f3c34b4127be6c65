package io.chat.platform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the {@code static Settings name(Settings defaults)} method of a {@link PlatformTest} class that changes the
 * settings its server starts with (the counterpart of Helidon's {@code @SetUpServer}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface SetUpPlatform {}
