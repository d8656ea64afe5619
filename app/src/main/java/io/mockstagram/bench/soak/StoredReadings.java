package io.mockstagram.bench.soak;

import io.mockstagram.pipeline.Tick;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The (pk, scheduled time) pairs PostgreSQL holds, as one bit per influencer per scheduled time.
 * Pks are offsets from the first pk, 1000000.
 */
final class StoredReadings {

    static final int FIRST_PK = 1_000_000;

    private StoredReadings() {
    }

    static Map<Long, BitSet> load(SoakDatabase database) throws SQLException {
        Map<Long, BitSet> byTime = new HashMap<>();
        try (Connection connection = database.open()) {
            // A cursor, not the whole result in memory at once.
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(50_000);
                try (ResultSet rows = statement.executeQuery("SELECT (extract(epoch FROM scheduled_at) * 1000)::bigint, pk FROM "
                        + database.table("readings"))) {
                    while (rows.next()) {
                        byTime.computeIfAbsent(rows.getLong(1), ignored -> new BitSet()).set(rows.getInt(2) - FIRST_PK);
                    }
                }
            }
            connection.commit();
        }
        return byTime;
    }

    /**
     * Waits until every pk of one interval is stored, and returns the index of the interval
     * after it: the first one a run can audit.
     */
    static long awaitWhollyStored(SoakDatabase database, int influencers, Duration interval, Duration limit)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        while (System.currentTimeMillis() < deadline) {
            long last = Tick.at(Instant.now(), interval).index() - 1;
            try {
                if (count(database, last * interval.toMillis()) >= influencers) {
                    return last + 1;
                }
            } catch (SQLException e) {
                // the schema is not there yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("no interval was wholly stored within " + limit.toMinutes()
                + " minutes of starting; see the logs");
    }

    /** How many pks are stored per scheduled time (epoch ms), for the scheduled times from {@code fromMs}. */
    static Map<Long, Long> countsSince(SoakDatabase database, long fromMs) throws SQLException {
        Map<Long, Long> counts = new HashMap<>();
        try (Connection connection = database.open(); PreparedStatement statement = connection.prepareStatement(
                "SELECT (extract(epoch FROM scheduled_at) * 1000)::bigint, count(*) FROM " + database.table("readings")
                        + " WHERE scheduled_at >= to_timestamp(? / 1000.0) GROUP BY 1")) {
            statement.setLong(1, fromMs);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getLong(1), rows.getLong(2));
                }
            }
        }
        return counts;
    }

    /** How many pks are stored for one scheduled time. */
    static int count(SoakDatabase database, long scheduledAtMs) throws SQLException {
        try (Connection connection = database.open(); PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM " + database.table("readings") + " WHERE scheduled_at = to_timestamp(? / 1000.0)")) {
            statement.setLong(1, scheduledAtMs);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        }
    }
}
