package io.mockstagram.bench.soak;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/** The (pk, scheduled time) pairs the pipeline gave up on: its {@code dead_letters} table. Keys are {@link #key(int, long)}. */
final class DeadLetters {

    private DeadLetters() {
    }

    static String key(int pk, long scheduledAtMs) {
        return pk + "@" + scheduledAtMs;
    }

    static Set<String> load(SoakDatabase database) throws SQLException {
        Set<String> keys = new HashSet<>();
        try (Connection connection = database.open(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pk, (extract(epoch FROM scheduled_at) * 1000)::bigint FROM "
                     + database.table("dead_letters"))) {
            while (rows.next()) {
                keys.add(key(rows.getInt(1), rows.getLong(2)));
            }
        }
        return keys;
    }
}
