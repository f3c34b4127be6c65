package io.chat;

import io.chat.history.Durability;
import io.chat.http.TrustedProxies;
import io.helidon.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

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
 * @param connections    caps on the public listener's connections ({@code chat.max-connections},
 *                       {@code chat.max-connections-per-address}, {@code chat.max-tcp-connections-per-address})
 * @param durability     when an acknowledged message is safe ({@code CHAT_DURABILITY}, {@code chat.durability})
 * @param trustedProxies balancers whose {@code X-Forwarded-For} names the client ({@code CHAT_TRUSTED_PROXIES},
 *                       {@code chat.trusted-proxies}: IP addresses and CIDR ranges, comma-separated; none by default)
 * @param cluster        present in cluster mode ({@code CHAT_POSTGRES_URL} and {@code CHAT_REDIS_URL} set)
 */
public record Settings(
        int port,
        int adminPort,
        Path tenantsDir,
        Optional<String> adminUser,
        Optional<String> adminPassword,
        boolean demo,
        List<String> allowedOrigins,
        Duration headerTimeout,
        ConnectionCaps connections,
        Durability durability,
        TrustedProxies trustedProxies,
        Optional<Cluster> cluster) {
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(20);

    public Settings {
        Objects.requireNonNull(tenantsDir, "tenantsDir");
        allowedOrigins = List.copyOf(allowedOrigins);
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(connections, "connections");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** Never the admin password nor the database's: settings may be printed. */
    @Override
    public String toString() {
        return "Settings[port=" + port + ", adminPort=" + adminPort + ", tenantsDir=" + tenantsDir + ", adminUser="
                + adminUser.orElse("-") + ", demo=" + demo + ", allowedOrigins=" + allowedOrigins + ", headerTimeout="
                + headerTimeout + ", connections=" + connections + ", durability=" + durability + ", trustedProxies="
                + trustedProxies + ", cluster="
                + cluster.map(Cluster::toString).orElse("-") + "]";
    }

    /** Settings built from the defaults: port 8080, admin port 8081, the demo on. */
    public static Builder builder(Path tenantsDir) {
        return new Builder(tenantsDir);
    }

    /** A builder holding these settings, to change some of them. */
    public Builder toBuilder() {
        Builder builder = new Builder(tenantsDir)
                .port(port)
                .adminPort(adminPort)
                .demo(demo)
                .allowedOrigins(allowedOrigins)
                .headerTimeout(headerTimeout)
                .connections(connections)
                .durability(durability)
                .trustedProxies(trustedProxies);
        builder.adminUser = adminUser;
        builder.adminPassword = adminPassword;
        builder.cluster = cluster;
        return builder;
    }

    /**
     * Cluster mode: every node keeps its durable state in one PostgreSQL database and exchanges what moves between
     * nodes over one Redis ({@code CHAT_POSTGRES_URL}, {@code CHAT_POSTGRES_USER}, {@code CHAT_POSTGRES_PASSWORD},
     * {@code CHAT_REDIS_URL}).
     *
     * @param postgresUrl      JDBC URL ({@code jdbc:postgresql://host:port/db})
     * @param postgresUser     its login, which owns the tables (migrations run as it) and works as role chat_app
     * @param postgresPassword its password
     * @param redisUrl         Redis URI ({@code redis://host:port}, {@code redis://user:password@host:port} with an ACL
     *                         user, {@code redis://:password@host:port} with {@code requirepass})
     * @param appUser          the login the running node's connections use ({@code CHAT_POSTGRES_APP_USER}), a member
     *                         of chat_app and of no owner, so that no statement of a running node can become the
     *                         owner; empty: the owner's login switches to chat_app (SET ROLE back stays possible)
     * @param appPassword      its password ({@code CHAT_POSTGRES_APP_PASSWORD}), empty with it
     */
    public record Cluster(
            String postgresUrl,
            String postgresUser,
            String postgresPassword,
            String redisUrl,
            String appUser,
            String appPassword) {
        public Cluster {
            if (!postgresUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("CHAT_POSTGRES_URL must be a jdbc:postgresql: URL");
            }
            if (postgresUser.isBlank() || postgresPassword.isEmpty()) {
                throw new IllegalArgumentException("cluster mode needs CHAT_POSTGRES_USER and CHAT_POSTGRES_PASSWORD");
            }
            if (!redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
                throw new IllegalArgumentException("CHAT_REDIS_URL must be a redis:// or rediss:// URL");
            }
            try {
                new URI(redisUrl);
            } catch (URISyntaxException e) {
                // not the parser's message, which quotes the URL, password and all
                throw new IllegalArgumentException(
                        "CHAT_REDIS_URL is not a valid URL (percent-encode reserved characters and spaces in its user"
                                + " name and password)");
            }
            if (appUser.isBlank() != appPassword.isEmpty()) {
                throw new IllegalArgumentException(
                        "set both CHAT_POSTGRES_APP_USER and CHAT_POSTGRES_APP_PASSWORD, or neither");
            }
        }

        /** Without a login of its own for the running node: the owner's, switched to chat_app. */
        public Cluster(String postgresUrl, String postgresUser, String postgresPassword, String redisUrl) {
            this(postgresUrl, postgresUser, postgresPassword, redisUrl, "", "");
        }

        /** Never a password, nor one inside a URL: settings may be printed. */
        @Override
        public String toString() {
            return "Cluster[postgres=" + redacted(postgresUrl) + ", redis=" + redacted(redisUrl) + "]";
        }

        /**
         * The URL without its credentials, to print: the user information ({@code redis://:secret@h} becomes
         * {@code redis://***@h}) and a {@code password} parameter's value ({@code ?password=***}).
         */
        public static String redacted(String url) {
            return USER_INFO.matcher(url).replaceFirst("//***@").transform(u -> PASSWORD_PARAMETER
                    .matcher(u)
                    .replaceAll("$1***"));
        }

        private static final Pattern USER_INFO = Pattern.compile("//[^/?#]*@");
        private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&;]password=)[^&;#]*");
    }

    /** Builds {@link Settings}; every value starts at its default. */
    public static final class Builder {
        private final Path tenantsDir;
        private int port = 8080;
        private int adminPort = 8081;
        private Optional<String> adminUser = Optional.empty();
        private Optional<String> adminPassword = Optional.empty();
        private boolean demo = true;
        private List<String> allowedOrigins = List.of();
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private ConnectionCaps connections = ConnectionCaps.defaults();
        private Durability durability = Durability.PROCESS;
        private TrustedProxies trustedProxies = TrustedProxies.none();
        private Optional<Cluster> cluster = Optional.empty();

        private Builder(Path tenantsDir) {
            this.tenantsDir = tenantsDir;
        }

        /** The public port; 0 picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The admin port on 127.0.0.1; 0 picks a free one. */
        public Builder adminPort(int adminPort) {
            this.adminPort = adminPort;
            return this;
        }

        public Builder admin(String user, String password) {
            this.adminUser = Optional.of(user);
            this.adminPassword = Optional.of(password);
            return this;
        }

        public Builder demo(boolean demo) {
            this.demo = demo;
            return this;
        }

        public Builder allowedOrigins(List<String> origins) {
            this.allowedOrigins = origins;
            return this;
        }

        public Builder headerTimeout(Duration timeout) {
            this.headerTimeout = timeout;
            return this;
        }

        public Builder connections(ConnectionCaps caps) {
            this.connections = caps;
            return this;
        }

        public Builder durability(Durability durability) {
            this.durability = durability;
            return this;
        }

        public Builder trustedProxies(TrustedProxies proxies) {
            this.trustedProxies = proxies;
            return this;
        }

        public Builder cluster(Cluster cluster) {
            this.cluster = Optional.of(cluster);
            return this;
        }

        public Settings build() {
            return new Settings(
                    port,
                    adminPort,
                    tenantsDir,
                    adminUser,
                    adminPassword,
                    demo,
                    allowedOrigins,
                    headerTimeout,
                    connections,
                    durability,
                    trustedProxies,
                    cluster);
        }
    }

    /**
     * How many connections the public listener holds: TCP connections and Socket.IO sessions in all, and
     * Socket.IO sessions per client address. Past a cap a handshake is answered 503 (the clients retry), and
     * past the TCP cap new connections wait in the listen backlog: never so many that the process runs out of
     * file descriptors, which would make the JDK's accept() fail and Helidon stop listening for good.
     *
     * @param total         connections in all; 0 picks the process's file descriptor limit less a reserve
     * @param perAddress    Socket.IO sessions of one client address (clients behind one NAT share it)
     * @param tcpPerAddress TCP connections one client address holds open at once, whatever they do (or do not yet
     *                      do: one address holding every connection while sending nothing starved everyone); 0
     *                      picks twice {@code perAddress}, as a polling session holds two connections at times
     */
    public record ConnectionCaps(int total, int perAddress, int tcpPerAddress) {
        public static final int DEFAULT_PER_ADDRESS = 1_000;
        /** File descriptors left for everything else: the tenants' database files, the admin listener, jars. */
        static final int FD_RESERVE = 512;
        /**
         * The heap one connection may make the server hold before its client proved anything: Helidon's 8 KiB read
         * buffer and what it read ahead (23 KiB a connection for a stranger's unfinished polling POST, class
         * histogram), the first 4 KiB of a message, and the session's own state, with a margin. The default cap keeps
         * a crowd of strangers within the heap (a 512 MiB heap ran out at about 10,300 strangers' unfinished frames).
         */
        static final long HEAP_PER_CONNECTION = 48 * 1024;

        public ConnectionCaps {
            if (total < 0 || perAddress < 1 || tcpPerAddress < 0) {
                throw new IllegalArgumentException("connection caps must be positive");
            }
        }

        /** Caps with the TCP connections per address derived from the sessions per address. */
        public ConnectionCaps(int total, int perAddress) {
            this(total, perAddress, 0);
        }

        public static ConnectionCaps defaults() {
            return new ConnectionCaps(0, DEFAULT_PER_ADDRESS);
        }

        /** The TCP cap per address, {@code tcpPerAddress} or the one derived from the sessions per address. */
        public int effectiveTcpPerAddress() {
            return tcpPerAddress > 0 ? tcpPerAddress : (int) Math.min(Integer.MAX_VALUE, 2L * perAddress);
        }

        /** The total cap, {@code total} or the one derived from the file descriptor limit and the heap. */
        public int effectiveTotal() {
            if (total > 0) {
                return total;
            }
            long fds = fileDescriptorLimit() - FD_RESERVE;
            long heap = Runtime.getRuntime().maxMemory() / HEAP_PER_CONNECTION;
            return (int) Math.max(64, Math.min(1_000_000, Math.min(fds, heap)));
        }

        private static long fileDescriptorLimit() {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                return unix.getMaxFileDescriptorCount();
            }
            return 10_000;
        }
    }

    public static Settings from(Config config, Map<String, String> env) {
        Config chat = config.get("chat");
        int port =
                intOf(env, "CHAT_PORT").orElse(config.get("server.port").asInt().orElse(8080));
        int adminPort = intOf(env, "CHAT_ADMIN_PORT")
                .orElse(chat.get("admin-port").asInt().orElse(8081));
        Path tenants = Path.of(Optional.ofNullable(env.get("CHAT_TENANTS_DIR"))
                .orElse(chat.get("tenants-dir").asString().orElse("tenants")));
        Optional<String> user = Optional.ofNullable(env.get("CHAT_ADMIN_USER"))
                .filter(s -> !s.isBlank())
                .or(() -> chat.get("admin.user").asString().asOptional());
        Optional<String> password = Optional.ofNullable(env.get("CHAT_ADMIN_PASSWORD"))
                .filter(s -> !s.isBlank())
                .or(() -> chat.get("admin.password").asString().asOptional());
        boolean demo = Optional.ofNullable(env.get("CHAT_DEMO"))
                .map(v -> !"false".equalsIgnoreCase(v.trim()))
                .orElse(chat.get("demo").asBoolean().orElse(true));
        List<String> origins = chat.get("allowed-origins").asList(String.class).orElse(List.of());
        Duration headerTimeout =
                chat.get("header-timeout").asString().map(Duration::parse).orElse(DEFAULT_HEADER_TIMEOUT);
        ConnectionCaps caps = new ConnectionCaps(
                positive(
                        env,
                        "CHAT_MAX_CONNECTIONS",
                        chat.get("max-connections").asInt().orElse(0),
                        0),
                positive(
                        env,
                        "CHAT_MAX_CONNECTIONS_PER_ADDRESS",
                        chat.get("max-connections-per-address").asInt().orElse(ConnectionCaps.DEFAULT_PER_ADDRESS),
                        1),
                positive(
                        env,
                        "CHAT_MAX_TCP_CONNECTIONS_PER_ADDRESS",
                        chat.get("max-tcp-connections-per-address").asInt().orElse(0),
                        0));
        Settings.Builder builder = builder(tenants)
                .port(port)
                .adminPort(adminPort)
                .demo(demo)
                .allowedOrigins(origins)
                .headerTimeout(headerTimeout)
                .connections(caps)
                .durability(Optional.ofNullable(env.get("CHAT_DURABILITY"))
                        .filter(v -> !v.isBlank())
                        .or(() -> chat.get("durability").asString().asOptional())
                        .map(Durability::parse)
                        .orElse(Durability.PROCESS))
                .trustedProxies(TrustedProxies.parse(nonBlank(env, "CHAT_TRUSTED_PROXIES")
                        .orElseGet(() -> listOrString(chat.get("trusted-proxies")))));
        builder.adminUser = user;
        builder.adminPassword = password;
        cluster(env).ifPresent(builder::cluster);
        return builder.build();
    }

    /** Cluster mode when both the PostgreSQL and the Redis URL are set; one without the other is a mistake. */
    private static Optional<Cluster> cluster(Map<String, String> env) {
        Optional<String> postgres = nonBlank(env, "CHAT_POSTGRES_URL");
        Optional<String> redis = nonBlank(env, "CHAT_REDIS_URL");
        if (postgres.isEmpty() && redis.isEmpty()) {
            return Optional.empty();
        }
        if (postgres.isEmpty() || redis.isEmpty()) {
            throw new IllegalArgumentException("cluster mode needs both CHAT_POSTGRES_URL and CHAT_REDIS_URL");
        }
        return Optional.of(new Cluster(
                postgres.get(),
                nonBlank(env, "CHAT_POSTGRES_USER").orElse(""),
                Optional.ofNullable(env.get("CHAT_POSTGRES_PASSWORD")).orElse(""),
                redis.get(),
                nonBlank(env, "CHAT_POSTGRES_APP_USER").orElse(""),
                Optional.ofNullable(env.get("CHAT_POSTGRES_APP_PASSWORD")).orElse("")));
    }

    /** A YAML list or a comma-separated string, as one comma-separated string; empty when unset. */
    private static String listOrString(Config node) {
        if (!node.exists()) {
            return "";
        }
        return node.isLeaf()
                ? node.asString().orElse("")
                : String.join(",", node.asList(String.class).orElse(List.of()));
    }

    private static Optional<String> nonBlank(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank()).map(String::trim);
    }

    private static int positive(Map<String, String> env, String name, int configured, int min) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return configured;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least " + min);
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
        return builder(tenantsDir)
                .port(0)
                .adminPort(0)
                .admin(adminUser, adminPassword)
                .demo(false)
                .build();
    }
}
