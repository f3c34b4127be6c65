package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * idle socket's frames interpreted again, and the JVM says nothing of a pattern that matches no method), and the JVM
 * takes the file.
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
