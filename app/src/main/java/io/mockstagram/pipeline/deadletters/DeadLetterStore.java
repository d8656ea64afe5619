package io.mockstagram.pipeline.deadletters;

import io.mockstagram.config.Namespace;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The dead letters of one namespace in PostgreSQL ({@code dead_letters}, migration V3). A
 * record is one statement: a redelivered or repeated give-up adds nothing.
 */
public final class DeadLetterStore {

    public static final int MAX_PAGE = 500;

    /** One stored dead letter; {@code seq} grows with every new one. */
    public record Entry(long seq, int pk, Instant scheduledAt, DeadLetter.Stage stage, String reason, int attempts,
                        Instant recordedAt) {
    }

    /** Newest first; {@code next} is the cursor of the following page, null after the last. */
    public record Page(List<Entry> entries, Long next) {
    }

    private final DataSource dataSource;
    private final String insertSql;
    private final String pageSql;

    public DeadLetterStore(DataSource dataSource, Namespace namespace) {
        this.dataSource = dataSource;
        String table = "\"" + namespace.databaseSchema() + "\".dead_letters";
        this.insertSql = "INSERT INTO " + table + " (pk, scheduled_at, stage, reason, attempts)"
                + " SELECT d.pk, timestamptz 'epoch' + d.scheduled_ms * interval '1 millisecond', d.stage, d.reason, d.attempts"
                + " FROM unnest(?::int4[], ?::int8[], ?::text[], ?::text[], ?::int4[])"
                + " AS d(pk, scheduled_ms, stage, reason, attempts)"
                + " ON CONFLICT (pk, scheduled_at) DO NOTHING";
        this.pageSql = "SELECT seq, pk, scheduled_at, stage, reason, attempts, recorded_at FROM " + table
                + " WHERE seq < ? ORDER BY seq DESC LIMIT ?";
    }

    /** Stores the dead letters not stored yet; returns how many were new. */
    public int record(List<DeadLetter> deadLetters) throws SQLException {
        if (deadLetters.isEmpty()) {
            return 0;
        }
        int n = deadLetters.size();
        Integer[] pks = new Integer[n];
        Long[] scheduled = new Long[n];
        String[] stages = new String[n];
        String[] reasons = new String[n];
        Integer[] attempts = new Integer[n];
        for (int i = 0; i < n; i++) {
            DeadLetter dead = deadLetters.get(i);
            pks[i] = dead.pk();
            scheduled[i] = dead.scheduledAt().toEpochMilli();
            stages[i] = dead.stage().column();
            reasons[i] = dead.reason();
            attempts[i] = dead.attempts();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(insertSql)) {
            statement.setArray(1, connection.createArrayOf("int4", pks));
            statement.setArray(2, connection.createArrayOf("int8", scheduled));
            statement.setArray(3, connection.createArrayOf("text", stages));
            statement.setArray(4, connection.createArrayOf("text", reasons));
            statement.setArray(5, connection.createArrayOf("int4", attempts));
            return statement.executeUpdate();
        }
    }

    /**
     * Up to {@code limit} dead letters, newest first, from just before {@code after} (a
     * previous page's {@code next}) or from the newest.
     */
    public Page page(int limit, OptionalLong after) throws SQLException {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("a page holds 1 to " + MAX_PAGE + " dead letters, not " + limit);
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(pageSql)) {
            statement.setLong(1, after.orElse(Long.MAX_VALUE));
            statement.setInt(2, limit + 1);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getLong(1), rs.getInt(2), rs.getObject(3, OffsetDateTime.class).toInstant(),
                            DeadLetter.Stage.ofColumn(rs.getString(4)), rs.getString(5), rs.getInt(6),
                            rs.getObject(7, OffsetDateTime.class).toInstant()));
                }
            }
            if (entries.size() <= limit) {
                return new Page(entries, null);
            }
            List<Entry> shown = List.copyOf(entries.subList(0, limit));
            return new Page(shown, shown.get(limit - 1).seq());
        }
    }
}
