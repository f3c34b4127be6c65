package io.chat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What the tests need on the machine, found or installed by the tests themselves: programs on the PATH, Debian's
 * packages (installed with apt-get when missing and the tests run as root, as CI does; otherwise the test fails
 * saying what to install) and the npm packages of a test folder (npm ci, pinned by its lockfile).
 */
public final class TestMachine {
    private static final long INSTALL_TIMEOUT_MINUTES = 15;

    private TestMachine() {}

    public static Optional<String> onPath(String name) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                Path file = Path.of(entry, name);
                if (Files.isRegularFile(file) && Files.isExecutable(file)) {
                    return Optional.of(file.toString());
                }
            }
        }
        return Optional.empty();
    }

    /** The program's path; fails the test saying what to install when it is not on the PATH. */
    public static String executable(String name, String hint) {
        return onPath(name).orElseGet(() -> fail("'" + name + "' not found on the PATH; the tests need " + hint));
    }

    public static boolean isRoot() {
        try {
            Process id =
                    new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return id.waitFor(30, TimeUnit.SECONDS) && "0".equals(out);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Installs Debian packages with apt-get (an {@code apt-get update} first), as root only; otherwise fails the
     * test naming the packages.
     */
    public static void aptInstall(String label, List<String> packages) throws Exception {
        if (!isRoot()) {
            fail("missing Debian packages " + packages + " and the tests are not running as root to install them: "
                    + "run 'sudo apt-get install -y " + String.join(" ", packages) + "' and try again");
        }
        System.out.println("[" + label + "] installing " + packages + " with apt-get");
        Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        ExternalProcess.Result update =
                ExternalProcess.run(label, List.of("apt-get", "update"), Path.of("/"), env, INSTALL_TIMEOUT_MINUTES);
        assertEquals(0, update.exitCode(), () -> "apt-get update failed:\n" + update.tail());
        List<String> command = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
        command.addAll(packages);
        ExternalProcess.Result install =
                ExternalProcess.run(label, command, Path.of("/"), env, INSTALL_TIMEOUT_MINUTES);
        assertEquals(0, install.exitCode(), () -> "apt-get install " + packages + " failed:\n" + install.tail());
    }

    /** {@code npm ci} in {@code dir} unless every one of {@code modules} is installed there already. */
    public static void npmInstalled(String label, Path dir, String... modules) throws Exception {
        Path installed = dir.resolve("node_modules");
        boolean complete = true;
        for (String module : modules) {
            complete &= Files.isRegularFile(installed.resolve(module).resolve("package.json"));
        }
        if (complete) {
            return;
        }
        String npm = executable("npm", "npm (apt-get install npm)");
        System.out.println("[" + label + "] installing the test packages: npm ci in " + dir);
        ExternalProcess.Result result = ExternalProcess.run(
                label,
                List.of(npm, "ci", "--no-audit", "--no-fund"),
                dir,
                Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
                INSTALL_TIMEOUT_MINUTES);
        if (result.timedOut()) {
            fail("npm ci did not finish within " + INSTALL_TIMEOUT_MINUTES + " min; last output:\n" + result.tail());
        }
        assertEquals(0, result.exitCode(), () -> "npm ci failed in " + dir + "; last output:\n" + result.tail());
    }

    /** A folder of the project's test sources, e.g. {@code src/test/node}; fails when it lacks {@code marker}. */
    public static Path projectDir(String relative, String marker) {
        String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
        Path dir = Path.of(basedir).resolve(relative).toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve(marker))) {
            fail("test folder not found: " + dir + " has no " + marker);
        }
        return dir;
    }
}
