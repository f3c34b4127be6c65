package io.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chat.history.Durability;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings the environment gives: durability and cluster mode, and the mistakes refused at start. */
class SettingsTest {
    private static final Config EMPTY =
            Config.builder().sources(ConfigSources.create(Map.of())).build();

    private static Settings from(Map<String, String> env) {
        return Settings.from(EMPTY, env);
    }

    @Test
    void singleNodeWithProcessDurabilityByDefault() {
        Settings settings = from(Map.of());
        assertEquals(Durability.PROCESS, settings.durability());
        assertTrue(settings.cluster().isEmpty());
        assertEquals(8080, settings.port());
    }

    @Test
    void durabilityFromTheEnvironmentOrTheConfig() {
        assertEquals(
                Durability.FSYNC, from(Map.of("CHAT_DURABILITY", " FSync ")).durability());
        Config fsync = Config.builder()
                .sources(ConfigSources.create(Map.of("chat.durability", "fsync")))
                .build();
        assertEquals(Durability.FSYNC, Settings.from(fsync, Map.of()).durability());
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> from(Map.of("CHAT_DURABILITY", "maybe")));
        assertEquals("chat.durability must be 'process' or 'fsync'", bad.getMessage());
    }

    @Test
    void clusterModeNeedsBothUrlsAndNeverPrintsThePassword() {
        Settings settings = from(Map.of(
                "CHAT_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/chat",
                "CHAT_POSTGRES_USER", "chat",
                "CHAT_POSTGRES_PASSWORD", "s3cret-pw",
                "CHAT_REDIS_URL", "redis://127.0.0.1:6379"));
        Settings.Cluster cluster = settings.cluster().orElseThrow();
        assertEquals("chat", cluster.postgresUser());
        assertEquals("s3cret-pw", cluster.postgresPassword());
        assertFalse(settings.toString().contains("s3cret-pw"), settings.toString());

        IllegalArgumentException noLogin = assertThrows(
                IllegalArgumentException.class,
                () -> from(Map.of(
                        "CHAT_POSTGRES_URL", "jdbc:postgresql://x/db", "CHAT_REDIS_URL", "redis://127.0.0.1:6379")));
        assertEquals("cluster mode needs CHAT_POSTGRES_USER and CHAT_POSTGRES_PASSWORD", noLogin.getMessage());
        IllegalArgumentException half = assertThrows(
                IllegalArgumentException.class, () -> from(Map.of("CHAT_REDIS_URL", "redis://127.0.0.1:6379")));
        assertEquals("cluster mode needs both CHAT_POSTGRES_URL and CHAT_REDIS_URL", half.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> from(Map.of(
                        "CHAT_POSTGRES_URL", "postgres://x",
                        "CHAT_POSTGRES_USER", "u",
                        "CHAT_POSTGRES_PASSWORD", "p",
                        "CHAT_REDIS_URL", "redis://127.0.0.1:6379")));
        assertThrows(
                IllegalArgumentException.class,
                () -> from(Map.of(
                        "CHAT_POSTGRES_URL", "jdbc:postgresql://x/db",
                        "CHAT_POSTGRES_USER", "u",
                        "CHAT_POSTGRES_PASSWORD", "p",
                        "CHAT_REDIS_URL", "http://127.0.0.1:6379")));
    }

    @Test
    void urlsArePrintedWithoutTheirCredentials() {
        Settings settings = from(Map.of(
                "CHAT_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/chat?ssl=true&password=pg-s3cret&x=1",
                "CHAT_POSTGRES_USER", "chat",
                "CHAT_POSTGRES_PASSWORD", "s3cret-pw",
                "CHAT_REDIS_URL", "redis://chat:redis-s3cret@127.0.0.1:6379/0"));
        String printed = settings.toString();
        assertFalse(printed.contains("s3cret"), printed);
        assertTrue(printed.contains("redis=redis://***@127.0.0.1:6379/0"), printed);
        assertTrue(
                printed.contains("postgres=jdbc:postgresql://127.0.0.1:5432/chat?ssl=true&password=***&x=1"), printed);
        for (String unencoded : List.of("redis://chat:s3cret pass@127.0.0.1:6379", "redis://chat:s3cret%zz@h:6379")) {
            IllegalArgumentException invalid = assertThrows(
                    IllegalArgumentException.class,
                    () -> from(Map.of(
                            "CHAT_POSTGRES_URL", "jdbc:postgresql://x/db",
                            "CHAT_POSTGRES_USER", "u",
                            "CHAT_POSTGRES_PASSWORD", "p",
                            "CHAT_REDIS_URL", unencoded)));
            assertFalse(invalid.getMessage().contains("s3cret"), invalid.getMessage());
            assertTrue(invalid.getMessage().startsWith("CHAT_REDIS_URL is not a valid URL"), invalid.getMessage());
        }
        assertEquals("redis://***@h", Settings.Cluster.redacted("redis://:secret@h"));
        assertEquals("rediss://***@h:6380", Settings.Cluster.redacted("rediss://u:p@ss@h:6380"));
        assertEquals("redis://127.0.0.1:6379", Settings.Cluster.redacted("redis://127.0.0.1:6379"));
    }

    @Test
    void trustedProxiesFromTheEnvironmentOrTheConfigNoneByDefault() {
        assertTrue(from(Map.of()).trustedProxies().isEmpty());
        Settings settings = from(Map.of("CHAT_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"));
        assertEquals("[127.0.0.1, 10.0.0.0/8]", settings.trustedProxies().toString());
        assertTrue(settings.toString().contains("trustedProxies=[127.0.0.1, 10.0.0.0/8]"), settings.toString());
        Config list = Config.builder()
                .sources(ConfigSources.create(
                        Map.of("chat.trusted-proxies.0", "10.0.0.2", "chat.trusted-proxies.1", "fd00::/8")))
                .build();
        assertEquals(
                "[10.0.0.2, fd00::/8]",
                Settings.from(list, Map.of()).trustedProxies().toString());
        IllegalArgumentException bad = assertThrows(
                IllegalArgumentException.class, () -> from(Map.of("CHAT_TRUSTED_PROXIES", "balancer.example")));
        assertEquals("chat.trusted-proxies: 'balancer.example' is not an IP address or a CIDR range", bad.getMessage());
    }

    @Test
    void aBuilderCopyChangesOnlyWhatItSets() {
        Settings base = Settings.forTests(java.nio.file.Path.of("t"), "admin", "admin-pw-1");
        assertFalse(base.toString().contains("admin-pw-1"), base.toString());
        Settings moved = base.toBuilder().port(9999).build();
        assertEquals(9999, moved.port());
        assertEquals(base.adminPassword(), moved.adminPassword());
        assertEquals(base.tenantsDir(), moved.tenantsDir());
        assertEquals(base.demo(), moved.demo());
    }
}
