package io.mockstagram.pipeline.timeseries;

import io.mockstagram.pipeline.Verdict;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The aggregate table of one namespace (V2): per influencer, the count and sums of every
 * reading ever stored, its latest reading by scheduled time and its newest classification.
 * Everything Redis shows is a copy of these rows.
 */
public final class AggregateStore {

    /** One batch of rows, as the rebuild streams them. */
    public record Chunk(AggregateRows rows, List<Verdict> verdicts) {
    }

    @FunctionalInterface
    public interface ChunkConsumer {
        void accept(Chunk chunk) throws Exception;
    }

    private static final String MS = "(extract(epoch FROM %s) * 1000)::int8";
    private static final String ROW_COLUMNS = "pk, readings, follower_sum, coalesce(" + MS.formatted("latest_scheduled_at")
            + ", 0), coalesce(latest_followers, 0), coalesce(latest_following, 0), coalesce("
            + MS.formatted("latest_fetched_at") + ", 0)";

    private final DataSource dataSource;
    private final String rowsSql;
    private final String verdictsSql;
    private final String scanSql;

    AggregateStore(DataSource dataSource, ReadingsTable table) {
        this.dataSource = dataSource;
        this.rowsSql = "SELECT " + ROW_COLUMNS + " FROM " + table.aggregates() + " WHERE pk = ANY(?::int4[])";
        this.verdictsSql = "INSERT INTO " + table.aggregates() + " AS a (pk, suspicious, classified_at)"
                + " SELECT v.pk, v.flag, timestamptz 'epoch' + v.at_ms * interval '1 millisecond'"
                + " FROM unnest(?::int4[], ?::bool[], ?::int8[]) AS v(pk, flag, at_ms) ORDER BY v.pk"
                + " ON CONFLICT (pk) DO UPDATE SET suspicious = excluded.suspicious, classified_at = excluded.classified_at"
                + " WHERE a.classified_at IS NULL OR a.classified_at < excluded.classified_at";
        this.scanSql = "SELECT " + ROW_COLUMNS + ", suspicious, coalesce(" + MS.formatted("classified_at") + ", 0) FROM "
                + table.aggregates();
    }

    /**
     * Folds the rows of {@code source} (pk, scheduled_at, fetched_at, follower_count,
     * following_count; one per pk) into the aggregate table, returning the rows as left.
     */
    static String upsertFrom(ReadingsTable table, String source) {
        String newer = "a.latest_scheduled_at IS NULL OR excluded.latest_scheduled_at > a.latest_scheduled_at";
        return "INSERT INTO " + table.aggregates() + " AS a (pk, readings, follower_sum, following_sum,"
                + " latest_scheduled_at, latest_fetched_at, latest_followers, latest_following)"
                + " SELECT pk, 1, follower_count, following_count, scheduled_at, fetched_at, follower_count, following_count"
                + " FROM " + source + " ORDER BY pk"
                + " ON CONFLICT (pk) DO UPDATE SET readings = a.readings + 1,"
                + " follower_sum = a.follower_sum + excluded.follower_sum,"
                + " following_sum = a.following_sum + excluded.following_sum,"
                + " latest_scheduled_at = CASE WHEN " + newer + " THEN excluded.latest_scheduled_at ELSE a.latest_scheduled_at END,"
                + " latest_fetched_at = CASE WHEN " + newer + " THEN excluded.latest_fetched_at ELSE a.latest_fetched_at END,"
                + " latest_followers = CASE WHEN " + newer + " THEN excluded.latest_followers ELSE a.latest_followers END,"
                + " latest_following = CASE WHEN " + newer + " THEN excluded.latest_following ELSE a.latest_following END"
                + " RETURNING " + ROW_COLUMNS.replace("pk, readings, follower_sum", "a.pk, a.readings, a.follower_sum");
    }

    /** Reads rows selected with the row columns first. */
    AggregateRows read(ResultSet rows, int capacity) throws SQLException {
        AggregateRows read = new AggregateRows(capacity);
        int n = 0;
        while (rows.next()) {
            if (n == read.size()) {
                read = read.plus(new AggregateRows(Math.max(16, n)));
            }
            read.pks()[n] = rows.getInt(1);
            read.readings()[n] = rows.getLong(2);
            read.followerSums()[n] = rows.getLong(3);
            read.scheduledAtMs()[n] = rows.getLong(4);
            read.followers()[n] = rows.getInt(5);
            read.following()[n] = rows.getInt(6);
            read.fetchedAtMs()[n] = rows.getLong(7);
            n++;
        }
        return n == read.size() ? read : read.slice(0, n);
    }

    AggregateRows rows(Connection connection, int[] pks) throws SQLException {
        if (pks.length == 0) {
            return AggregateRows.NONE;
        }
        try (PreparedStatement statement = connection.prepareStatement(rowsSql)) {
            statement.setObject(1, pks);
            try (ResultSet rows = statement.executeQuery()) {
                return read(rows, pks.length);
            }
        }
    }

    /** The rows of these pks as they stand; pks without a row are left out. */
    public AggregateRows rows(int[] pks) {
        try (Connection connection = dataSource.getConnection()) {
            return rows(connection, pks);
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot read the aggregates of " + pks.length + " influencers", e);
        }
    }

    /** Stores classifications; one older than the one stored for its pk changes nothing. */
    public void recordVerdicts(Collection<Verdict> verdicts) {
        if (verdicts.isEmpty()) {
            return;
        }
        // One row per pk: an upsert may not touch a row twice in one statement.
        Map<Integer, Verdict> newest = new HashMap<>();
        for (Verdict verdict : verdicts) {
            newest.merge(verdict.pk(), verdict, (a, b) -> a.atMs() >= b.atMs() ? a : b);
        }
        int n = newest.size();
        int[] pks = new int[n];
        Boolean[] flags = new Boolean[n];
        long[] at = new long[n];
        int i = 0;
        for (Verdict verdict : newest.values()) {
            pks[i] = verdict.pk();
            flags[i] = verdict.suspicious();
            at[i] = verdict.atMs();
            i++;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(verdictsSql)) {
            statement.setObject(1, pks);
            statement.setArray(2, connection.createArrayOf("bool", flags));
            statement.setObject(3, at);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot store " + n + " classifications", e);
        }
    }

    /**
     * Streams every row, {@code chunkSize} at a time, through a server-side cursor (one
     * sequential pass, never the whole table in memory). Rows that change while the scan runs
     * may be seen as before or after the change; a consumer that keeps the row with the most
     * readings need not care which.
     *
     * @return how many rows were streamed
     */
    public long scan(int chunkSize, ChunkConsumer consumer) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(scanSql)) {
                statement.setFetchSize(chunkSize);
                long total = 0;
                try (ResultSet rows = statement.executeQuery()) {
                    boolean more = true;
                    while (more) {
                        AggregateRows chunk = new AggregateRows(chunkSize);
                        List<Verdict> verdicts = new ArrayList<>();
                        int n = 0;
                        while (n < chunkSize && (more = rows.next())) {
                            chunk.pks()[n] = rows.getInt(1);
                            chunk.readings()[n] = rows.getLong(2);
                            chunk.followerSums()[n] = rows.getLong(3);
                            chunk.scheduledAtMs()[n] = rows.getLong(4);
                            chunk.followers()[n] = rows.getInt(5);
                            chunk.following()[n] = rows.getInt(6);
                            chunk.fetchedAtMs()[n] = rows.getLong(7);
                            boolean suspicious = rows.getBoolean(8);
                            if (!rows.wasNull()) {
                                verdicts.add(new Verdict(chunk.pks()[n], suspicious, rows.getLong(9)));
                            }
                            n++;
                        }
                        if (n > 0) {
                            consumer.accept(new Chunk(n == chunkSize ? chunk : chunk.slice(0, n), verdicts));
                            total += n;
                        }
                    }
                }
                connection.commit();
                return total;
            } finally {
                connection.rollback();
                connection.setAutoCommit(autoCommit);
            }
        }
    }
}
