package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code scripts/lib/build.sh} (what {@code scripts/run} builds with) on a machine that lacks a tool: a copy of the
 * scripts in a folder with no jar, so a build is due, and a PATH of only the tools named here (a stand-in mvn).
 */
class BuildScriptTest {
    private static final List<String> BASICS = List.of("dirname", "sed", "cut", "readlink", "find");

    private record Run(int exit, String stderr, boolean mvnRan) {}

    private static Run build(Path root, List<String> tools) throws Exception {
        Path lib = Files.createDirectories(root.resolve("scripts/lib"));
        for (String script : List.of("build.sh", "jdk.sh")) {
            Files.copy(Path.of("scripts/lib").resolve(script), lib.resolve(script));
        }
        Files.createDirectories(root.resolve("src/main"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Path bin = Files.createDirectories(root.resolve("bin"));
        for (String tool : BASICS) {
            Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool));
        }
        Path mvnRan = root.resolve("mvn-ran");
        for (String tool : tools) {
            Path file = bin.resolve(tool);
            Files.writeString(file, "#!/bin/sh\n" + (tool.equals("mvn") ? ": > '" + mvnRan + "'\n" : "") + "exit 0\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        }
        ProcessBuilder builder = new ProcessBuilder("/bin/bash", "-c", ". scripts/lib/build.sh")
                .directory(root.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PATH", bin.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path err = root.resolve("stderr");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "build.sh finished");
        return new Run(process.exitValue(), Files.readString(err), Files.exists(mvnRan));
    }

    @Test
    void withoutNodeTheBuildStopsSayingWhatToInstall() throws Exception {
        for (List<String> tools : List.of(List.of("mvn", "npm"), List.of("mvn", "node"))) {
            Run run = build(Files.createTempDirectory("build-script"), tools);
            assertNotEquals(0, run.exit(), tools + ": " + run);
            assertTrue(run.stderr().contains("apt-get install nodejs npm"), run.stderr());
            assertFalse(run.mvnRan(), "mvn was not started: " + run);
        }
    }

    @Test
    void withNodeAndNpmTheBuildRuns() throws Exception {
        Run run = build(Files.createTempDirectory("build-script"), List.of("mvn", "node", "npm"));
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.mvnRan(), run.toString());
    }
}
