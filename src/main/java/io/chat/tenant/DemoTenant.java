package io.chat.tenant;

import io.chat.history.OwnerOnly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * On a first start with no tenant: tenant {@code demo} with two users, so a fresh server is a working chat. Made
 * before the server listens (so {@code /health} UP means it is there), its passwords shown once it listens.
 *
 * <p>A start can be killed halfway through (the tenant made, a user not yet; the passwords not shown): a file
 * {@value #PENDING_FILE} in the tenants folder says so from before the tenant is made until its passwords were shown,
 * and the next start with the demo on finishes the demo whatever it finds (no tenant folder, a folder without its
 * definition, a tenant with some users or none), giving both users new passwords, which it shows. Without that file
 * the demo is finished and is the admin's: never touched again.
 */
public final class DemoTenant {
    static final TenantId ID = new TenantId("demo");
    static final List<String> USERS = List.of("alice", "bob");
    static final String PENDING_FILE = ".demo-pending";
    private static final System.Logger LOGGER = System.getLogger(DemoTenant.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoTenant() {}

    /** A user made (again) and the password nobody has seen yet. */
    public record Credential(String username, String password) {}

    /** A demo made or finished by this start: its passwords are shown by {@link #announce}. */
    public record Made(Path pendingFile, List<Credential> users) {
        /** Shows the credentials once, then marks the demo finished. */
        public void announce(Consumer<String> announce, String publicUrl) {
            StringBuilder message = new StringBuilder("Demo tenant created (credentials shown once): ")
                    .append(publicUrl)
                    .append("/?tenant=demo\n");
            for (Credential user : users) {
                message.append("  ")
                        .append(user.username())
                        .append(" / ")
                        .append(user.password())
                        .append('\n');
            }
            announce.accept(message.toString().stripTrailing());
            try {
                Files.deleteIfExists(pendingFile);
            } catch (IOException e) {
                // the next start makes the users again with new passwords, and shows them: nothing is lost
                LOGGER.log(System.Logger.Level.WARNING, "tenant=demo event=demo-finish outcome=failed");
            }
        }
    }

    /**
     * Makes the demo when there is no tenant, or finishes the one an interrupted start left; otherwise nothing.
     * Call it before the server listens, and {@link Made#announce} once it does.
     *
     * @param folder the node's tenants folder, where an unfinished demo is noted
     */
    public static Optional<Made> ensure(TenantRegistry registry, Path folder, Instant now) {
        Path pending = folder.resolve(PENDING_FILE);
        boolean unfinished = Files.exists(pending);
        if (!unfinished && !registry.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (!unfinished) {
                Files.writeString(pending, "tenant demo is being made: the next start finishes it\n");
                OwnerOnly.restrictFile(pending); // as every file of the folder, though it holds no secret
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + pending, e);
        }
        if (unfinished) {
            LOGGER.log(System.Logger.Level.INFO, "tenant=demo event=demo-finish reason=interrupted-start");
        }
        Tenant tenant = registry.find(ID)
                .orElseGet(() -> registry.provision(
                        new TenantDefinition(ID, "Demo", new AuthConfig.Password(), Limits.DEFAULTS, false, now)));
        List<Credential> users = new ArrayList<>();
        for (String user : USERS) {
            // one that exists was made by a start whose passwords nobody saw: made again, with one that is shown
            registry.deleteUser(tenant, user);
            String password = newPassword();
            tenant.createUser(user, password, Optional.of(Character.toUpperCase(user.charAt(0)) + user.substring(1)));
            users.add(new Credential(user, password));
        }
        return Optional.of(new Made(pending, List.copyOf(users)));
    }

    private static String newPassword() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
