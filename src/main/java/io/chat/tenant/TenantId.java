package io.chat.tenant;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated tenant id. Only this type reaches a file name, a JDBC URL or a namespace, so nothing
 * unvalidated ever can.
 */
public record TenantId(String value) {
    private static final Pattern VALID = Pattern.compile("^[a-z][a-z0-9-]{1,30}[a-z0-9]$");
    /** {@link #VALID} in words, for whoever typed an id that is not. */
    public static final String RULE = "3-32 characters of a-z, 0-9 and -, starting with a letter, not ending with -";

    public TenantId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid tenant id");
        }
    }

    public static Optional<TenantId> parse(String candidate) {
        return candidate != null && VALID.matcher(candidate).matches()
                ? Optional.of(new TenantId(candidate))
                : Optional.empty();
    }

    /** The Socket.IO namespace of this tenant. */
    public String namespace() {
        return "/" + value;
    }

    @Override
    public String toString() {
        return value;
    }
}
