package io.chat.platform;

import io.chat.Settings;
import io.chat.testing.ServerPerClass;

/**
 * Owns the {@link PlatformServer} of a {@link PlatformTest} class, started with the test settings as changed by the
 * class's {@link SetUpPlatform} method when it has one.
 */
public final class PlatformServerExtension extends ServerPerClass<PlatformServer> {
    public PlatformServerExtension() {
        super(PlatformServer.class);
    }

    @Override
    protected PlatformServer start(Class<?> testClass) throws Exception {
        Settings defaults = PlatformServer.testSettings();
        return PlatformServer.start(setUp(testClass, SetUpPlatform.class, Settings.class, Settings.class, defaults)
                .orElse(defaults));
    }
}
