package io.chat.tenant;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;

/** On a first start with no tenant: tenant {@code demo} with two users, so a fresh server is a working chat. */
public final class DemoTenant {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DemoTenant() {
    }

    public static void createIfNoTenant(TenantRegistry registry, Instant now, Consumer<String> announce,
                                        String publicUrl) {
        if (!registry.isEmpty()) {
            return;
        }
        Tenant tenant = registry.provision(new TenantDefinition(new TenantId("demo"), "Demo", new AuthConfig.Password(),
                                                                Limits.DEFAULTS, false, now));
        StringBuilder message = new StringBuilder("Demo tenant created (credentials shown once): ")
                .append(publicUrl).append("/?tenant=demo\n");
        for (String user : new String[] {"alice", "bob"}) {
            String password = newPassword();
            tenant.createUser(user, password, Optional.of(Character.toUpperCase(user.charAt(0)) + user.substring(1)));
            message.append("  ").append(user).append(" / ").append(password).append('\n');
        }
        announce.accept(message.toString().stripTrailing());
    }

    private static String newPassword() {
        byte[] bytes = new byte[9];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
