package io.mockstagram.pipeline.timeseries;

import io.mockstagram.pipeline.ReadingBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Writes and reads the readings of one namespace. Every read is bounded to one influencer,
 * served by the primary key (pk, scheduled_at), so none scans the other influencers.
 */
public final class TimeSeriesStore {

    /**
     * The most readings one timeline call returns: a week at one reading a minute, the default
     * retention, in well under a megabyte of JSON. A caller that gets a full list has the
     * newest readings of its range, and asks again up to just before the first for more.
     */
    public static final int TIMELINE_LIMIT = 10_000;

    private static final Logger log = LoggerFactory.getLogger(TimeSeriesStore.class);

    /** check_violation; with no CHECK constraints on the table it means "no partition for the row". */
    private static final String NO_PARTITION = "23514";

    private final DataSource dataSource;
    private final ReadingsTable table;
    private final PartitionManager partitions;
    private final AggregateStore aggregates;
    private final int timelineLimit;
    private final String insertSql;
    private final String timelineSql;
    private final String latestSql;
    private final String averageSql;

    public TimeSeriesStore(DataSource dataSource, ReadingsTable table, PartitionManager partitions) {
        this(dataSource, table, partitions, TIMELINE_LIMIT);
    }

    TimeSeriesStore(DataSource dataSource, ReadingsTable table, PartitionManager partitions, int timelineLimit) {
        this.dataSource = dataSource;
        this.table = table;
        this.partitions = partitions;
        this.aggregates = new AggregateStore(dataSource, table);
        this.timelineLimit = timelineLimit;
        // A batch holds one tick, so scheduled_at is one value rather than an array, and fetch
        // times travel as epoch milliseconds: binary bigint arrays are the cheapest to send.
        // The aggregate upsert reads what the raw insert returned, so only new readings are
        // counted, in the same transaction. Rows go in pk order so that two updaters upserting
        // overlapping batches lock them in one order rather than deadlock.
        this.insertSql = "WITH new AS (INSERT INTO " + table.qualified()
                + " (pk, scheduled_at, fetched_at, follower_count, following_count)"
                + " SELECT r.pk, ?, timestamptz 'epoch' + r.fetched_ms * interval '1 millisecond', r.followers, r.following"
                + " FROM unnest(?::int4[], ?::int8[], ?::int4[], ?::int4[]) AS r(pk, fetched_ms, followers, following)"
                + " ON CONFLICT (pk, scheduled_at) DO NOTHING"
                + " RETURNING pk, scheduled_at, fetched_at, follower_count, following_count) "
                + AggregateStore.upsertFrom(table, "new");
        String columns = "SELECT pk, scheduled_at, fetched_at, follower_count, following_count FROM " + table.qualified();
        this.timelineSql = columns + " WHERE pk = ? AND scheduled_at >= ? AND scheduled_at < ? ORDER BY scheduled_at DESC LIMIT ?";
        this.latestSql = columns + " WHERE pk = ? ORDER BY scheduled_at DESC LIMIT 1";
        this.averageSql = "SELECT avg(follower_count)::float8 FROM " + table.qualified() + " WHERE pk = ?";
    }

    /**
     * What storing a batch did.
     *
     * @param inserted   how many readings were new
     * @param aggregates the aggregate rows of every pk in the batch as this insert left them (for a reading stored
     *                   already, as they stand now): what Redis must show. Where a (pk, scheduled time) was stored
     *                   already, possibly by another updater with other counts (the API moves its counts on every
     *                   call, and a pk can be fetched twice in a tick), the reading kept is the one stored first.
     */
    public record Stored(int inserted, AggregateRows aggregates) {
    }

    /**
     * Stores a batch and folds its new readings into the aggregate table, in one statement and
     * so one transaction. Readings already stored (same pk and scheduled time) are skipped, so a
     * redelivered batch changes nothing. A tick whose hourly partition is missing gets it
     * created, and the insert is tried once more.
     */
    public Stored insert(ReadingBatch batch) {
        if (batch.size() == 0) {
            return new Stored(0, AggregateRows.NONE);
        }
        Instant scheduledAt = batch.scheduledAt();
        try {
            return tryInsert(batch, scheduledAt);
        } catch (SQLException e) {
            if (!NO_PARTITION.equals(e.getSQLState())) {
                throw new TimeSeriesException("cannot store reading batch " + batch.id(), e);
            }
            log.atWarn().setMessage("no partition for a reading batch; creating it")
                    .addKeyValue("batch", batch.id()).addKeyValue("scheduledAt", scheduledAt).log();
        }
        partitions.ensureCovers(scheduledAt);
        try {
            return tryInsert(batch, scheduledAt);
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot store reading batch " + batch.id() + " after creating its partition", e);
        }
    }

    private Stored tryInsert(ReadingBatch batch, Instant scheduledAt) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            AggregateRows changed;
            try (PreparedStatement statement = connection.prepareStatement(insertSql)) {
                statement.setObject(1, utc(scheduledAt));
                statement.setObject(2, batch.pks());
                statement.setObject(3, batch.fetchedAtMs());
                statement.setObject(4, batch.followers());
                statement.setObject(5, batch.following());
                try (ResultSet rows = statement.executeQuery()) {
                    changed = aggregates.read(rows, batch.size());
                }
            }
            if (changed.size() == batch.size()) {
                return new Stored(changed.size(), changed);
            }
            // A redelivery, or a pk fetched twice: Redis may have missed the earlier store (its
            // updater died between the two writes), so these pks get their rows as they stand.
            // A statement of its own, so that it sees rows another updater committed while this
            // insert waited for them.
            Set<Integer> inserted = new HashSet<>();
            for (int pk : changed.pks()) {
                inserted.add(pk);
            }
            int[] others = Arrays.stream(batch.pks()).filter(pk -> !inserted.contains(pk)).distinct().toArray();
            return new Stored(changed.size(), changed.plus(aggregates.rows(connection, others)));
        }
    }

    /**
     * The readings of one influencer scheduled in [from, to), oldest first; at most
     * {@link #TIMELINE_LIMIT} of them, the newest ones, when the range holds more (a chart of
     * a long range should end at the present).
     */
    public List<Reading> timeline(int pk, Instant from, Instant to) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(timelineSql)) {
            statement.setInt(1, pk);
            statement.setObject(2, utc(from));
            statement.setObject(3, utc(to));
            statement.setInt(4, timelineLimit);
            List<Reading> readings = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    readings.add(reading(rows));
                }
            }
            Collections.reverse(readings);
            return readings;
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot read the timeline of pk " + pk, e);
        }
    }

    /** The aggregate table: the record behind every average, latest reading and classification. */
    public AggregateStore aggregates() {
        return aggregates;
    }

    /** The timeline query, for checking its plan. */
    String timelineSql() {
        return timelineSql;
    }

    /** The most recent reading of one influencer, if any is kept. */
    public Optional<Reading> latest(int pk) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(latestSql)) {
            statement.setInt(1, pk);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(reading(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot read the latest reading of pk " + pk, e);
        }
    }

    /**
     * The mean follower count of one influencer over every kept reading, computed from the rows
     * (one influencer's, through the primary key), as a reference for faster aggregates.
     */
    public OptionalDouble averageFollowerCount(int pk) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(averageSql)) {
            statement.setInt(1, pk);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                double average = row.getDouble(1);
                return row.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(average);
            }
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot average the follower counts of pk " + pk, e);
        }
    }

    /**
     * Disk bytes per stored reading: heap, primary-key index and free-space and visibility maps
     * of every partition, over the number of rows. The rows are counted exactly with count(*):
     * pg_class.reltuples is only refreshed by VACUUM and ANALYZE, so right after a load it is
     * stale or -1 (never analysed) and the figure would be wrong exactly when it is measured.
     * The count reads every row, so this is for benchmarks and reports, not request paths.
     *
     * @return empty when no reading is stored
     */
    public OptionalDouble bytesPerReading() {
        String sql = "SELECT (SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_partition_tree(to_regclass(?))),"
                + " (SELECT count(*) FROM " + table.qualified() + ")";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.qualified());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                long bytes = row.getLong(1);
                long readings = row.getLong(2);
                return readings == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) bytes / readings);
            }
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot measure the size of " + table.qualified(), e);
        }
    }

    private static Reading reading(ResultSet rows) throws SQLException {
        return new Reading(rows.getInt(1), rows.getObject(2, OffsetDateTime.class).toInstant(),
                rows.getObject(3, OffsetDateTime.class).toInstant(), rows.getInt(4), rows.getInt(5));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
