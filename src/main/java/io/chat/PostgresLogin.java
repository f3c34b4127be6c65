package io.chat;

import java.util.Map;
import java.util.Optional;

/**
 * The cluster database's login ({@code CHAT_POSTGRES_URL}, {@code CHAT_POSTGRES_USER}, {@code CHAT_POSTGRES_PASSWORD})
 * without Redis: what {@code scripts/migrate-to-cluster} needs.
 */
public record PostgresLogin(String url, String user, String password) {
    public PostgresLogin {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("CHAT_POSTGRES_URL must be a jdbc:postgresql: URL");
        }
        if (user == null || user.isBlank() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("set CHAT_POSTGRES_USER and CHAT_POSTGRES_PASSWORD");
        }
    }

    static PostgresLogin fromEnvironment(Map<String, String> env) {
        return new PostgresLogin(
                Optional.ofNullable(env.get("CHAT_POSTGRES_URL"))
                        .filter(url -> !url.isBlank())
                        .orElseThrow(
                                () -> new IllegalArgumentException("set CHAT_POSTGRES_URL: the cluster's database")),
                env.get("CHAT_POSTGRES_USER"),
                env.get("CHAT_POSTGRES_PASSWORD"));
    }

    /** Never the password. */
    @Override
    public String toString() {
        return "PostgresLogin[url=" + url + ", user=" + user + "]";
    }
}
