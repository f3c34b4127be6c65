package io.chat.history;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Owner-only permissions for what the server keeps on disk (password and token hashes, messages, H2 logins):
 * folders 0700, files 0600, whatever the umask. On a file system without POSIX permissions this does nothing:
 * the folder's own access rules have to do. A file the server may use but not change the permissions of (owned by
 * another account) is logged and used as it is: refusing to open the store would not make it any safer.
 */
public final class OwnerOnly {
    private static final System.Logger LOGGER = System.getLogger(OwnerOnly.class.getName());
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /** Creates the folder as 0700 (its parents as usual); fails if it exists. */
    public static void createFolder(Path folder) throws IOException {
        Files.createDirectories(folder.getParent());
        if (posix(folder.getParent())) {
            Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER));
            Files.setPosixFilePermissions(folder, FOLDER); // the umask may have taken bits away, never added any
        } else {
            Files.createDirectory(folder);
        }
    }

    /**
     * The tenants folder: created as 0700 when missing, else restricted to 0700 (an older server created it 0755,
     * which let any local account list the tenants). Only the folder itself: what lies in it has its own rules.
     */
    public static void ensureFolder(Path folder) throws IOException {
        Path absolute = folder.toAbsolutePath();
        if (!Files.isDirectory(absolute)) {
            createFolder(absolute);
        } else if (posix(absolute)) {
            try {
                Files.setPosixFilePermissions(absolute, FOLDER);
            } catch (IOException e) {
                warn(e);
            }
        }
    }

    /** Restricts an existing folder to 0700 and the files directly in it to 0600 (a store made before this rule). */
    public static void restrictFolder(Path folder) {
        if (!posix(folder)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(folder, FOLDER);
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, Files::isRegularFile)) {
                for (Path file : entries) {
                    Files.setPosixFilePermissions(file, FILE);
                }
            }
        } catch (IOException e) {
            warn(e);
        }
    }

    /** Restricts an existing file to 0600. */
    public static void restrictFile(Path file) {
        if (!posix(file)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(file, FILE);
        } catch (IOException e) {
            warn(e);
        }
    }

    /** The attribute that creates a file as 0600, for {@code Files.createFile} and {@code FileChannel.open}. */
    static FileAttribute<?>[] fileAttributes(Path folder) {
        return posix(folder)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }

    private static void warn(IOException e) {
        // the path is the server's own (tenants folder and a validated tenant id), not a client's string
        LOGGER.log(
                System.Logger.Level.WARNING,
                "event=restrict-permissions outcome=failed error="
                        + e.getClass().getSimpleName() + " path=" + e.getMessage());
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
