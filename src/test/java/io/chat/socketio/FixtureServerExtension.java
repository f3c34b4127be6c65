package io.chat.socketio;

import io.chat.socketio.engine.EngineConfig;
import io.chat.testing.ServerPerClass;

/** Owns the {@link FixtureServer} of a {@link FixtureTest} class. */
public final class FixtureServerExtension extends ServerPerClass<FixtureServer> {
    public FixtureServerExtension() {
        super(FixtureServer.class);
    }

    @Override
    protected FixtureServer start(Class<?> testClass) throws Exception {
        EngineConfig defaults = FixtureServer.defaultEngine();
        return FixtureServer.start(
                setUp(testClass, SetUpFixture.class, EngineConfig.class, EngineConfig.class, defaults)
                        .orElse(defaults));
    }
}
