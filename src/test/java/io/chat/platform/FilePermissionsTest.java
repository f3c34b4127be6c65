package io.chat.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.admin.AdminCredentials;
import io.chat.tenant.auth.PasswordHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the server keeps on disk (password and token hashes, messages, the H2 logins, the admin hash) is its owner's
 * alone: the tenants folder and each tenant folder 0700, its files 0600, whatever the umask; files of an older server
 * are fixed at open.
 */
class FilePermissionsTest {
    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    /** Every file and folder under the tenant's folder whose permissions are not owner-only. */
    private static List<String> notOwnerOnly(Path tenant) throws Exception {
        List<String> wrong = new ArrayList<>();
        if (!permissions(tenant).equals("rwx------")) {
            wrong.add(tenant.getFileName() + " " + permissions(tenant));
        }
        try (Stream<Path> files = Files.list(tenant)) {
            for (Path file : files.toList()) {
                String expected = Files.isDirectory(file) ? "rwx------" : "rw-------";
                if (!permissions(file).equals(expected)) {
                    wrong.add(file.getFileName() + " " + permissions(file));
                }
            }
        }
        return wrong;
    }

    @Test
    void aTenantsFolderAndFilesAreOwnerOnlyAndOldOnesAreFixedAtOpen() throws Exception {
        Path tenants = Files.createTempDirectory("tenants");
        Path folder = tenants.resolve("private");
        try (PlatformServer server = PlatformServer.start(tenants)) {
            server.passwordTenant("private", "alice");
            try (ChatClient alice = ChatClient.connect(server.url(), "/private", server.login("private", "alice"))) {
                ChatAssertions.assertOk(alice.join("general"));
                alice.send("general", "secret");
            }
            assertTrue(Files.exists(folder.resolve("chat.mv.db")) && Files.exists(folder.resolve("chat.wal")));
            assertEquals(List.of(), notOwnerOnly(folder));
        }
        // as an older server left them
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
        try (PlatformServer server = PlatformServer.start(tenants)) {
            assertEquals(List.of(), notOwnerOnly(folder));
            server.login("private", "alice");
        }
    }

    @Test
    void theTenantsFolderItselfIsOwnerOnly() throws Exception {
        // created by the server (under the usual umask 022 it came out 0755: anyone could list the tenants)
        Path created = Files.createTempDirectory("parent").resolve("tenants");
        try (PlatformServer server = PlatformServer.start(created)) {
            assertEquals("rwx------", permissions(created));
        }
        // as an older server left it
        Files.setPosixFilePermissions(created, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (PlatformServer server = PlatformServer.start(created)) {
            assertEquals("rwx------", permissions(created));
        }
    }

    @Test
    void theAdminCredentialsFileIsOwnerOnly() throws Exception {
        PasswordHasher hasher = new PasswordHasher(1_000);
        Path generated = Files.createTempDirectory("tenants");
        AdminCredentials.load(Optional.empty(), Optional.empty(), generated, hasher, line -> {});
        assertEquals("rw-------", permissions(generated.resolve(".admin.json")));

        Path old = Files.createTempDirectory("tenants");
        Files.writeString(
                old.resolve(".admin.json"),
                "{\"username\":\"admin\",\"passwordHash\":\"" + hasher.hash("an-old-password".toCharArray()) + "\"}");
        Files.setPosixFilePermissions(old.resolve(".admin.json"), PosixFilePermissions.fromString("rw-r--r--"));
        AdminCredentials.load(Optional.empty(), Optional.empty(), old, hasher, line -> {});
        assertEquals("rw-------", permissions(old.resolve(".admin.json")));
    }
}
