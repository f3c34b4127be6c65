package io.chat.history;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;

/**
 * The passwords of the database's two H2 users, kept beside the database, readable by the owner only.
 * They protect nothing on disk (the database file is not encrypted); they exist so that runtime
 * connections log in as a user without admin rights, and so that only this code knows the admin login.
 */
record Credentials(String adminPassword, String appPassword) {
    static final String FILE_NAME = "store-credentials.properties";
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String toString() {
        return "Credentials[hidden]";
    }

    /** Reads the file, or creates it for a database that does not exist yet. */
    static Credentials loadOrCreate(Path directory, boolean databaseExists, StoreFiles files) {
        Path file = directory.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return read(file);
            }
            if (databaseExists) {
                // Without its admin password the database cannot be migrated: refuse rather than guess.
                throw new StoreException("tenant store in " + directory + " has a database but no " + FILE_NAME);
            }
            Credentials created = new Credentials(randomPassword(), randomPassword());
            try {
                created.write(file, files);
                return created;
            } catch (FileAlreadyExistsException raced) {
                return read(file);
            }
        } catch (IOException e) {
            throw new StoreException("cannot read or write " + file, e);
        }
    }

    private static Credentials read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        String admin = properties.getProperty("admin.password");
        String app = properties.getProperty("app.password");
        if (admin == null || app == null || admin.isEmpty() || app.isEmpty()) {
            throw new StoreException("incomplete credentials file " + file);
        }
        return new Credentials(admin, app);
    }

    /**
     * Written to a private temporary file, forced to disk, then moved in: never seen half written. The directory is
     * synced after the move: without it a power loss could keep the database and lose the name of this file, and
     * with it the only admin login of the database.
     */
    private void write(Path file, StoreFiles files) throws IOException {
        Path directory = file.getParent();
        Path temporary = directory.resolve(".credentials-" + randomPassword() + ".tmp");
        try {
            Properties properties = new Properties();
            properties.setProperty("admin.password", adminPassword);
            properties.setProperty("app.password", appPassword);
            try (FileChannel channel = files.open(
                    temporary,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    OwnerOnly.fileAttributes(directory))) {
                OutputStream out = Channels.newOutputStream(channel);
                properties.store(out, "H2 logins of this tenant's database; keep private, keep with the database");
                out.flush();
                channel.force(true);
            }
            files.move(temporary, file); // a concurrent creator's file wins
            files.syncDirectory(directory);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
