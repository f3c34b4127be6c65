package io.chat.socketio;

import static io.chat.socketio.JavaClients.closeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chat.socketio.JavaClients.Mode;
import io.chat.socketio.JavaClients.TestClient;
import io.chat.socketio.engine.EngineConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fixture with Node's default heartbeat (ping every 25 s) instead of the 1 s the other tests use: nothing
 * in a connection's start may depend on a ping going out, since here none does within the 10 s a test waits.
 * Several connects in a row, because a lost wake-up shows on some connects only.
 */
@FixtureTest
class JavaClientDefaultHeartbeatTest {
    private static final int CONNECTS = 25;
    private static FixtureServer server;

    @SetUpFixture
    static EngineConfig engine(EngineConfig defaults) {
        return EngineConfig.defaults("/socket.io/");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectsWithoutWaitingForAPing(Mode mode) {
        for (int i = 0; i < CONNECTS; i++) {
            TestClient client = null;
            try {
                client = JavaClients.connected(server, "/test", mode);
                assertEquals(List.of("round " + i), Arrays.asList(client.call("echo", "round " + i)));
            } finally {
                closeAll(client);
            }
        }
    }
}
