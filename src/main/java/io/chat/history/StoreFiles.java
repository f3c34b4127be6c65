package io.chat.history;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Set;

/**
 * Where a tenant store's files go: the files the store writes itself (message log, credentials) and the H2 file
 * system its database is opened on. Production uses the disk ({@link #DISK}); a test puts a simulated disk here
 * that can lose whatever was not synced.
 */
interface StoreFiles {
    StoreFiles DISK = new StoreFiles() {
        @Override
        public String h2Scheme() {
            return "file";
        }

        @Override
        public FileChannel open(Path file, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
                throws IOException {
            return FileChannel.open(file, options, attributes);
        }

        @Override
        public void move(Path from, Path to) throws IOException {
            Files.move(from, to); // no REPLACE_EXISTING: a file already there wins
        }

        @Override
        public void syncDirectory(Path directory) throws IOException {
            // Linux: fsync of the directory makes the names created, moved or deleted in it durable
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    };

    /** The H2 file system prefix of the database's URL, without the colon ("file" for the disk). */
    String h2Scheme();

    FileChannel open(Path file, Set<? extends OpenOption> options, FileAttribute<?>... attributes) throws IOException;

    /** Renames, refusing to replace an existing file. */
    void move(Path from, Path to) throws IOException;

    /** Makes the directory's entries (files created, renamed or deleted in it) survive a power loss. */
    void syncDirectory(Path directory) throws IOException;
}
