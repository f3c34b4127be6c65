package io.chat.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a command the tests need (node, npm, apt-get) with no standard input, echoes its output to the test's
 * stdout (so surefire keeps it) and remembers the last lines for failure messages; kills it past its time.
 */
public final class ExternalProcess {
    private static final int TAIL_LINES = 200;

    private ExternalProcess() {}

    /** What a run came to: whether it timed out, its exit code, its last lines. */
    public record Result(boolean timedOut, int exitCode, List<String> lines) {
        public String tail() {
            return String.join("\n", lines);
        }

        /** A number from the output, e.g. node's spec reporter summary ("ℹ tests N"), if a line matches. */
        public Optional<Integer> count(Pattern pattern) {
            for (String line : lines) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.matches()) {
                    return Optional.of(Integer.parseInt(matcher.group(1)));
                }
            }
            return Optional.empty();
        }
    }

    public static Result run(String label, List<String> command, Path dir, Map<String, String> env, long timeoutMinutes)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("NO_COLOR", "1");
        builder.environment().putAll(env);
        System.out.println("[" + label + "] " + String.join(" ", command));
        Process process = builder.start();
        process.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        Thread pump = Thread.ofPlatform().daemon().name(label + "-output").start(() -> copy(label, process, tail));
        boolean finished = process.waitFor(timeoutMinutes, TimeUnit.MINUTES);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        pump.join(TimeUnit.SECONDS.toMillis(30));
        synchronized (tail) {
            return new Result(!finished, finished ? process.exitValue() : -1, List.copyOf(tail));
        }
    }

    private static void copy(String label, Process process, Deque<String> tail) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                System.out.println(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            System.out.println("[" + label + "] reading the process output failed: " + e);
        }
        System.out.flush();
    }
}
