package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A start whose port cannot be had says so in one line and makes nothing (a new user's trial: it printed the one-time
 * admin and demo credentials, left the demo half made, and put Helidon's stack trace before the line).
 */
class PortInUseTest {
    @ParameterizedTest
    @ValueSource(strings = {"public", "admin"})
    void aStartOnATakenPortFailsInOneLineBeforeMakingOrPrintingAnything(String taken) throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int free = freePort();
            int held = holder.getLocalPort();
            assertRefused(
                    taken.equals("public") ? held : free,
                    taken.equals("admin") ? held : free,
                    "error: the " + taken + " port " + held + " is in use (is another server running? "
                            + (taken.equals("public") ? "CHAT_PORT or --port" : "CHAT_ADMIN_PORT")
                            + " chooses another)");
        }
    }

    @Test
    void theSamePortForBothFailsInOneLineBeforeMakingOrPrintingAnything() throws Exception {
        // each port alone was free (a review)
        int port = freePort();
        assertRefused(
                port,
                port,
                "error: the public and admin ports are both " + port
                        + ": CHAT_ADMIN_PORT must be another port than CHAT_PORT");
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void assertRefused(int port, int adminPort, String line) throws Exception {
        Path tenants = Files.createTempDirectory("port-in-use");
        Path log = Files.createTempFile("port-in-use", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx128m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            "io.chat.Main")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            var env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("CHAT_"));
            env.put("CHAT_TENANTS_DIR", tenants.toString());
            env.put("CHAT_PORT", Integer.toString(port));
            env.put("CHAT_ADMIN_PORT", Integer.toString(adminPort));
            Process process = builder.start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "it exits");
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertEquals(1, process.exitValue(), output);
            assertEquals(
                    line,
                    output.strip().lines().reduce((first, second) -> second).orElse(""),
                    output);
            assertFalse(output.contains("password") || output.contains("Exception"), output);
            try (var made = Files.list(tenants)) {
                assertEquals(0, made.count(), "nothing made in the tenants folder");
            }
        } finally {
            Files.deleteIfExists(log);
            try (var left = Files.walk(tenants)) {
                left.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
