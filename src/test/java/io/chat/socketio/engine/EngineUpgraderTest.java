package io.chat.socketio.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class EngineUpgraderTest {
    @Test
    void acceptIsRfc6455sExample() {
        // RFC 6455 section 1.3
        assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", EngineUpgrader.accept("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    @Test
    void acceptsOnManyThreadsAtOnceAgree() throws Exception {
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        String expected = EngineUpgrader.accept(key);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                results.add(threads.submit(() -> EngineUpgrader.accept(key)));
            }
            for (Future<String> result : results) {
                assertEquals(expected, result.get());
            }
        }
    }

    @Test
    void keysAreSixteenBytesOfBase64() {
        assertTrue(EngineUpgrader.validKey("dGhlIHNhbXBsZSBub25jZQ=="));
        assertFalse(EngineUpgrader.validKey("dGhlIHNhbXBsZQ=="));
        assertFalse(EngineUpgrader.validKey("not base64!"));
    }
}
