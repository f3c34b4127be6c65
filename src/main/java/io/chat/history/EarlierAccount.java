package io.chat.history;

/**
 * Whose an entry is when a name was deleted and made again: a user made again with a deleted user's name is another
 * person, who must not edit, delete or own what the earlier account with that name left (its messages, changes and
 * reactions stay). Fenced by the user's {@code created_at}: an entry whose time is at or before the creation
 * millisecond of the name's stored user is an earlier account's. Exact on a node's clock, since an entry's time is its
 * store's clock when written: an earlier account's entries were written before the name was made again, so no later
 * than its {@code created_at}, and {@link AccountSql#createUser} returns only once that clock has passed the creation
 * millisecond, so that every entry of the new account is later. Not covered: an entry of the deleted account still in
 * flight (sent just before its sockets were disconnected, or on a cluster node not yet told) and written after the name
 * was made again counts as the new account's; so may an entry timed by another node's clock within the nodes' clock
 * skew of the creation. A name with no stored user (every name of a JWT tenant, whose identity provider owns its names)
 * has no earlier account: its entries are its own by name alone.
 */
final class EarlierAccount {
    private EarlierAccount() {}

    /**
     * SQL, true when the entry whose author and time are in columns {@code name} and {@code ts} is an earlier account's.
     * H2 and PostgreSQL both run it (on PostgreSQL, row security keeps {@code users} to the transaction's tenant).
     */
    static String test(String name, String ts) {
        return "EXISTS (SELECT 1 FROM users fence WHERE fence.username = " + name + " AND " + ts
                + " <= fence.created_at)";
    }
}
