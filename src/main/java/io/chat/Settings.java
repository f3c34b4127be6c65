package io.chat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * The platform's settings: {@code application.yaml}, overridden by the environment variables of the contract.
 *
 * @param port           public port ({@code CHAT_PORT}); 0 picks a free one
 * @param adminPort      admin port on 127.0.0.1 ({@code CHAT_ADMIN_PORT}); 0 picks a free one
 * @param tenantsDir     the tenants folder ({@code CHAT_TENANTS_DIR})
 * @param adminUser      the admin principal ({@code CHAT_ADMIN_USER})
 * @param adminPassword  its password ({@code CHAT_ADMIN_PASSWORD})
 * @param demo           create tenant {@code demo} when there is no tenant ({@code CHAT_DEMO})
 * @param allowedOrigins browser origins allowed to open Socket.IO connections; empty allows any
 * @param headerTimeout  how long a request's headers may take to arrive after its request line
 *                       ({@code chat.header-timeout}, ISO-8601, default 20 s); a slower connection is closed
 */
public record Settings(int port, int adminPort, Path tenantsDir, Optional<String> adminUser,
                       Optional<String> adminPassword, boolean demo, List<String> allowedOrigins,
                       Duration headerTimeout) {
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(20);

    /** The same settings with another header timeout. */
    public Settings withHeaderTimeout(Duration timeout) {
        return new Settings(port, adminPort, tenantsDir, adminUser, adminPassword, demo, allowedOrigins, timeout);
    }

    public static Settings from(Config config, Map<String, String> env) {
        Config chat = config.get("chat");
        int port = intOf(env, "CHAT_PORT").orElse(config.get("server.port").asInt().orElse(8080));
        int adminPort = intOf(env, "CHAT_ADMIN_PORT").orElse(chat.get("admin-port").asInt().orElse(8081));
        Path tenants = Path.of(Optional.ofNullable(env.get("CHAT_TENANTS_DIR"))
                                       .orElse(chat.get("tenants-dir").asString().orElse("tenants")));
        Optional<String> user = Optional.ofNullable(env.get("CHAT_ADMIN_USER")).filter(s -> !s.isBlank())
                .or(() -> chat.get("admin.user").asString().asOptional());
        Optional<String> password = Optional.ofNullable(env.get("CHAT_ADMIN_PASSWORD")).filter(s -> !s.isBlank())
                .or(() -> chat.get("admin.password").asString().asOptional());
        boolean demo = Optional.ofNullable(env.get("CHAT_DEMO")).map(v -> !"false".equalsIgnoreCase(v.trim()))
                .orElse(chat.get("demo").asBoolean().orElse(true));
        List<String> origins = chat.get("allowed-origins").asList(String.class).orElse(List.of());
        Duration headerTimeout = chat.get("header-timeout").asString().map(Duration::parse).orElse(DEFAULT_HEADER_TIMEOUT);
        return new Settings(port, adminPort, tenants, user, password, demo, origins, headerTimeout);
    }

    private static Optional<Integer> intOf(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number");
        }
    }

    /** Settings for tests and tools: free ports, the given folder, known admin credentials, no demo. */
    public static Settings forTests(Path tenantsDir, String adminUser, String adminPassword) {
        return new Settings(0, 0, tenantsDir, Optional.of(adminUser), Optional.of(adminPassword), false, List.of(),
                            DEFAULT_HEADER_TIMEOUT);
    }

}
