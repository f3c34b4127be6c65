package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/run}'s class cache (made by a run at its exit, beside the jar): kept only from a run that started, made
 * by one run at a time. A copy of the scripts with a built jar and a stand-in JDK 25 whose {@code java} notes its
 * arguments, marks its start when told to, and writes the cache it is asked for at its exit (a new user's trial: a
 * second start refused on the same tenants folder made a cache of its own, and the first server's exit then failed
 * making its).
 */
class RunScriptCacheTest {
    private static final String JAVA = """
            #!/bin/bash
            out= started=
            for arg in "$@"; do
              case "$arg" in
                -XX:AOTCacheOutput=*) out=${arg#*=} ;;
                -Dchat.classCache.started=*) started=${arg#*=} ;;
              esac
            done
            echo "$*" >> "$FAKE_ROOT/java-args"
            [ "$FAKE_START" != ok ] || [ -z "$started" ] || : > "$started"
            [ -z "${FAKE_HOLD:-}" ] || { : > "$FAKE_HOLD.running"; while [ ! -f "$FAKE_HOLD" ]; do sleep 0.05; done; }
            [ -z "$out" ] || echo cache > "$out"
            # what JDK 25 prints when its child JVM assembles the cache at the exit, then a line of the server's own
            [ -z "$out" ] || echo "Picked up JAVA_TOOL_OPTIONS: -Xlog:aot=off -XX:AOTCacheOutput=$out -XX:AOTMode=create" >&2
            echo "the server's last words" >&2
            [ "$FAKE_START" = ok ]
            """;

    private final Path root;
    private final Path cache;

    RunScriptCacheTest() throws Exception {
        root = Files.createTempDirectory("run-script");
        Files.createDirectories(root.resolve("scripts/lib"));
        Files.copy(Path.of("scripts/run"), root.resolve("scripts/run"));
        for (String file : List.of("build.sh", "jdk.sh", "jvm.options")) {
            Files.copy(Path.of("scripts/lib", file), root.resolve("scripts/lib").resolve(file));
        }
        Path jdk = Files.createDirectories(root.resolve("jdk/bin"));
        Files.writeString(root.resolve("jdk/release"), "JAVA_VERSION=\"25.0.1\"\n");
        executable(jdk.resolve("java"), JAVA);
        executable(jdk.resolve("javac"), "#!/bin/sh\nexit 0\n");
        executable(Files.createDirectories(root.resolve("bin")).resolve("mvn"), "#!/bin/sh\nexit 0\n");
        Instant built = Instant.now().minusSeconds(60);
        for (Path source : List.of(
                Files.createDirectories(root.resolve("src/main")),
                Files.writeString(root.resolve("pom.xml"), "<project/>"))) {
            Files.setLastModifiedTime(source, FileTime.from(built.minusSeconds(60)));
        }
        Path jar = Files.createDirectories(root.resolve("target")).resolve("chat-platform.jar");
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.from(built)); // after the sources, before any cache
        cache = root.resolve("target/chat-platform.aot");
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    }

    private Process start(String startOutcome, Map<String, String> more) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(root.resolve("scripts/run").toString())
                .directory(root.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(
                        ProcessBuilder.Redirect.appendTo(root.resolve("stderr").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", root.resolve("jdk").toString());
        env.put("PATH", root.resolve("bin") + ":/usr/bin:/bin");
        env.put("FAKE_ROOT", root.toString());
        env.put("FAKE_START", startOutcome);
        env.remove("JDK_JAVA_OPTIONS");
        env.putAll(more);
        return builder.start();
    }

    private String run(String startOutcome) throws Exception {
        return run(startOutcome, Map.of());
    }

    private String run(String startOutcome, Map<String, String> more) throws Exception {
        Process process = start(startOutcome, more);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "scripts/run finished");
        List<String> runs = Files.readAllLines(root.resolve("java-args"));
        return runs.get(runs.size() - 1);
    }

    /** The child JVM's ~2,700-character line of options is left out of a new user's first exit; nothing else is. */
    @Test
    void makingTheCachePrintsNotTheChildJvmsOptions() throws Exception {
        run("ok");
        Path stderr = root.resolve("stderr");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(stderr).contains("last words")) {
            assertTrue(
                    System.nanoTime() < deadline, "the server's own line passed through: " + Files.readString(stderr));
            Thread.sleep(20);
        }
        assertFalse(Files.readString(stderr).contains("Picked up"), Files.readString(stderr));
    }

    @Test
    void theCacheOfARunThatStartedIsUsedByTheNext() throws Exception {
        assertTrue(run("ok").contains("-XX:AOTCacheOutput=" + cache), "the first run makes it");
        assertTrue(Files.exists(cache));
        String second = run("ok");
        assertTrue(second.contains("-XX:AOTCache=" + cache) && !second.contains("AOTCacheOutput"), second);
    }

    @Test
    void theCacheOfARunWhoseStartFailedIsMadeAgainByTheNext() throws Exception {
        run("failed");
        assertTrue(Files.exists(cache), "made at the exit of a start that failed");
        assertTrue(run("ok").contains("-XX:AOTCacheOutput=" + cache), "not used: made again");
        assertTrue(run("ok").contains("-XX:AOTCache=" + cache), "then used");
    }

    @Test
    void aSecondStartWhileTheFirstRunsNeitherMakesNorTouchesTheCache() throws Exception {
        Path release = root.resolve("release-first");
        Process first = start("ok", Map.of("FAKE_HOLD", release.toString()));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(Path.of(release + ".running"))) {
                assertTrue(System.nanoTime() < deadline, "the first run started");
                Thread.sleep(20);
            }
            String second = run("failed");
            assertFalse(second.contains("AOTCache"), second);
            assertFalse(Files.exists(cache));
        } finally {
            Files.writeString(release, "");
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(List.of("cache"), Files.readAllLines(cache), "the first run's exit made it");
        assertTrue(run("ok").contains("-XX:AOTCache=" + cache));
    }

    @Test
    void aCacheOfAnotherJdkIsMadeAgain() throws Exception {
        run("ok");
        Files.writeString(root.resolve("jdk/release"), "JAVA_VERSION=\"25.0.2\"\n");
        assertTrue(run("ok").contains("-XX:AOTCacheOutput=" + cache), "the JVM refuses it and would not remake it");
    }

    @Test
    void withoutAWritableLockTheServerStartsWithTheCacheThereOrNone() throws Exception {
        // a review: the lock's file could not be opened (target/ not writable) and the script stopped there
        run("ok");
        Path lock = root.resolve("target/.class-cache.lock"); // left by the first run: a folder cannot be opened as it
        Files.delete(lock);
        Files.createDirectory(lock);
        String using = run("ok");
        assertTrue(using.contains("-XX:AOTCache=" + cache) && !using.contains("AOTCacheOutput"), using);
        Files.delete(cache);
        assertFalse(run("ok").contains("AOTCache"), "none to use, none made");
    }

    @Test
    void aCacheMadeUnderOtherJvmOptionsIsMadeAgain() throws Exception {
        // one made under G1 or SerialGC is refused under ZGC (compressed oops differ), and the JVM would not remake it
        run("ok");
        Map<String, String> zgc = Map.of("JDK_JAVA_OPTIONS", "-Xmx1g -XX:+UseZGC");
        assertTrue(run("ok", zgc).contains("-XX:AOTCacheOutput=" + cache), "other options: made again");
        assertTrue(run("ok", zgc).contains("-XX:AOTCache=" + cache), "the same options: used");
        assertTrue(run("ok").contains("-XX:AOTCacheOutput=" + cache), "back to none: made again");
    }

    @Test
    void aCacheOlderThanTheJarIsMadeAgain() throws Exception {
        run("ok");
        Files.setLastModifiedTime(
                root.resolve("target/chat-platform.jar"),
                FileTime.from(Instant.now().plusSeconds(1)));
        assertTrue(run("ok").contains("-XX:AOTCacheOutput=" + cache));
    }
}
