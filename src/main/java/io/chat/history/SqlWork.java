package io.chat.history;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with one JDBC connection, on a thread the store owns or on the read executor. */
@FunctionalInterface
interface SqlWork<T> {
    T apply(Connection connection) throws SQLException;
}
