package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.chat.Launch;
import io.chat.Running;
import io.chat.socketio.SocketIoConfig;
import io.chat.socketio.SocketIoServer;
import io.chat.testing.RawWebSocket;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Executable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/lib/jvm.options}, the JVM options scripts/run, scripts/cluster and the benchmark give the platform:
 * each method it asks the JIT to compile early still exists (a Helidon or JDK upgrade that renames one would leave an
 * idle socket's frames interpreted again, and the JVM says nothing of a pattern that matches no method), every frame
 * an idle socket's thread parks under is named, and the JVM takes the file.
 */
class CompileThresholdScalingTest {
    private static final Path OPTIONS = Path.of("scripts/lib/jvm.options");
    private static final String PREFIX = "-XX:CompileCommand=CompileThresholdScaling,";

    private static List<String> patterns() throws Exception {
        List<String> patterns = new ArrayList<>();
        for (String line : Files.readAllLines(OPTIONS)) {
            if (line.startsWith(PREFIX)) {
                String[] parts = line.substring(PREFIX.length()).split(",");
                assertEquals(2, parts.length, line);
                assertEquals("0.02", parts[1], line);
                patterns.add(parts[0]);
            } else {
                assertTrue(line.isBlank() || line.startsWith("#") || line.equals("-XX:CompileCommand=quiet"), line);
            }
        }
        return patterns;
    }

    @Test
    void everyNamedMethodExists() throws Exception {
        List<String> patterns = patterns();
        assertFalse(patterns.isEmpty());
        for (String pattern : patterns) {
            String[] classAndMethod = pattern.split("::");
            assertEquals(2, classAndMethod.length, pattern);
            Class<?> type = Class.forName(classAndMethod[0], false, getClass().getClassLoader());
            String method = classAndMethod[1];
            if (!method.equals("*")) {
                assertTrue(
                        Stream.concat(
                                        Arrays.stream(type.getDeclaredMethods()),
                                        Arrays.stream(type.getDeclaredConstructors()))
                                .map(Executable::getName)
                                .anyMatch(method::equals),
                        pattern + ": no such method");
            }
        }
    }

    /**
     * The frames an idle WebSocket's virtual thread is parked under, from a thread dump of a real one: each is named
     * in the file. Ours and Helidon's always; the JDK's on the JDK the file was written against (25; an older one
     * may read a socket through other frames, which then stay interpreted, costing memory, nothing else).
     */
    @Test
    void everyFrameOfAnIdleSocketIsNamed() throws Exception {
        List<String> patterns = patterns();
        SocketIoServer io = SocketIoServer.create(SocketIoConfig.defaults());
        io.of("/");
        Running running = Launch.of(io).port(0).start();
        try (RawWebSocket socket = RawWebSocket.connect(running.port(), "/socket.io/?EIO=4&transport=websocket")) {
            assertTrue(socket.readFrame().text().startsWith("0{"), "Engine.IO open");
            socket.sendText("40");
            assertTrue(socket.readFrame().text().startsWith("40"), "Socket.IO connect");
            List<String> frames = List.of();
            for (int attempt = 0; attempt < 50 && !parked(frames); attempt++) {
                Thread.sleep(100);
                frames = idleSocketFrames();
            }
            assertTrue(parked(frames), "an idle socket's thread, parked: " + frames);
            boolean jdkToo = Runtime.version().feature() >= 25;
            for (String frame : frames) {
                boolean ours = frame.startsWith("io.chat.") || frame.startsWith("io.helidon.");
                if (ours || jdkToo) {
                    assertTrue(
                            patterns.stream().anyMatch(pattern -> matches(pattern, frame)), frame + " in " + OPTIONS);
                }
            }
        } finally {
            running.stop();
        }
    }

    private static boolean parked(List<String> frames) {
        return !frames.isEmpty() && frames.getFirst().equals("java.lang.VirtualThread::park");
    }

    private static boolean matches(String pattern, String frame) {
        return pattern.equals(frame)
                || pattern.endsWith("::*") && frame.startsWith(pattern.substring(0, pattern.length() - 1));
    }

    /** The stack (top first, as {@code class::method}) of the virtual thread reading a WebSocket; empty if none. */
    private static List<String> idleSocketFrames() throws Exception {
        Path dump = Files.createTempDirectory("threads").resolve("threads.json");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        JsonNode containers =
                new ObjectMapper().readTree(dump.toFile()).path("threadDump").path("threadContainers");
        Files.delete(dump);
        for (JsonNode container : containers) {
            for (JsonNode thread : container.path("threads")) {
                List<String> frames = new ArrayList<>();
                for (JsonNode frame : thread.path("stack")) {
                    // "java.base/java.lang.VirtualThread.park(VirtualThread.java:742)"
                    String text = frame.asText();
                    String head = text.substring(0, text.indexOf('('));
                    String qualified = head.substring(head.lastIndexOf('/') + 1);
                    int dot = qualified.lastIndexOf('.');
                    frames.add(qualified.substring(0, dot) + "::" + qualified.substring(dot + 1));
                }
                if (frames.contains("io.chat.socketio.engine.WebSocketConnection::handle")) {
                    return frames;
                }
            }
        }
        return List.of();
    }

    @Test
    void theJvmTakesTheFile() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "@" + OPTIONS, "-version")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertFalse(output.contains("CompileCommand"), "quiet, and every line understood: " + output);
    }
}
