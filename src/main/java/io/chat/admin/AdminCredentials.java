package io.chat.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chat.history.OwnerOnly;
import io.chat.json.Json;
import io.chat.tenant.auth.PasswordHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The admin principal. Given by the environment (or configuration), or else generated on first start,
 * printed once, and kept only as a slow hash in {@code <tenants>/.admin.json}.
 */
public final class AdminCredentials {
    static final String FILE_NAME = ".admin.json";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String username;
    private final Supplier<String> passwordHash;
    private final PasswordHasher hasher;
    /** SHA-256 of the last password that passed the slow check, so each admin call does not cost a slow hash. */
    private final AtomicReference<byte[]> verifiedDigest = new AtomicReference<>();

    AdminCredentials(String username, String passwordHash, PasswordHasher hasher) {
        this(username, () -> passwordHash, hasher);
    }

    private AdminCredentials(String username, Supplier<String> passwordHash, PasswordHasher hasher) {
        this.username = username;
        this.passwordHash = passwordHash;
        // a lane of its own: failed admin logins (each a slow hash) queue apart from the tenants' logins
        this.hasher = hasher.lane();
    }

    /**
     * From the given user and password when both are set; else from the stored file; else newly generated,
     * stored hashed and announced once through {@code announce}.
     */
    public static AdminCredentials load(
            Optional<String> user,
            Optional<String> password,
            Path tenantsDir,
            PasswordHasher hasher,
            java.util.function.Consumer<String> announce) {
        if (user.isPresent() && password.isPresent()) {
            // hashed at the first admin login, not at start: the slow hash was most of a cold start's Java CPU
            // (JFR), and the password stays in the process's environment either way
            return new AdminCredentials(user.get(), hashedOnFirstUse(hasher, password.get()), hasher);
        }
        Path file = tenantsDir.resolve(FILE_NAME);
        if (user.isPresent() != password.isPresent()) {
            // a walkthrough: CHAT_ADMIN_PASSWORD alone was set to recover the admin, and silently did nothing
            System.getLogger(AdminCredentials.class.getName())
                    .log(
                            System.Logger.Level.WARNING,
                            "event=admin-credentials outcome=ignored reason=\"CHAT_ADMIN_USER and CHAT_ADMIN_PASSWORD"
                                    + " are used together, and only one is set: the stored or generated admin is used\"");
        }
        try {
            if (Files.isRegularFile(file)) {
                OwnerOnly.restrictFile(file); // written before this rule, or copied in: a password hash
                JsonNode stored = Json.mapper().readTree(Files.readAllBytes(file));
                return new AdminCredentials(
                        stored.path("username").asText(),
                        stored.path("passwordHash").asText(),
                        hasher);
            }
            String name = user.orElse("admin");
            byte[] secret = new byte[18];
            RANDOM.nextBytes(secret);
            String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
            AdminCredentials credentials = new AdminCredentials(name, hasher.hash(generated.toCharArray()), hasher);
            Files.createDirectories(tenantsDir);
            ObjectNode node = Json.mapper()
                    .createObjectNode()
                    .put("username", name)
                    .put("passwordHash", credentials.passwordHash.get());
            Path temp = Files.createTempFile(tenantsDir, ".admin", ".tmp");
            OwnerOnly.restrictFile(temp);
            Files.write(temp, Json.mapper().writeValueAsBytes(node));
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            announce.accept("Admin credentials generated (shown once, stored only hashed in " + file + "):\n"
                    + "  CHAT_ADMIN_USER=" + name + "\n  CHAT_ADMIN_PASSWORD=" + generated
                    + "\n(export both for the admin scripts: scripts/provision-tenant, scripts/add-user, ...)");
            return credentials;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the admin credentials", e);
        }
    }

    /** Constant-time check of a login and password. */
    boolean matches(String login, char[] password) {
        boolean nameMatches = MessageDigest.isEqual(
                login.getBytes(StandardCharsets.UTF_8), username.getBytes(StandardCharsets.UTF_8));
        byte[] digest = sha256(password);
        byte[] known = verifiedDigest.get();
        // the shortcut only for the right name: a wrong name with the right password must not answer faster
        // than any other failure (that would confirm the password)
        if (known != null && nameMatches && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        boolean valid = hasher.verify(password, passwordHash.get());
        if (valid) {
            verifiedDigest.set(digest);
        }
        return valid && nameMatches;
    }

    /** The password's slow hash, made once, by the first caller (the others wait for it). */
    private static Supplier<String> hashedOnFirstUse(PasswordHasher hasher, String password) {
        return new Supplier<>() {
            private String hash;

            @Override
            public synchronized String get() {
                if (hash == null) {
                    hash = hasher.hash(password.toCharArray());
                }
                return hash;
            }
        };
    }

    private static byte[] sha256(char[] password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(new String(password).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
