package io.mockstagram.pipeline.timeseries;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Keeps the hourly partitions of the readings table: creates those covering [now - 1h,
 * now + 2h] before any reading needs them, and drops those that ended longer than the
 * retention ago. Several updaters may do this at once; every step tolerates losing the
 * race to another.
 */
public final class PartitionManager {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);
    /** Late readings of the previous hour still need a home. */
    public static final Duration BEHIND = Duration.ofHours(1);
    /** Enough ahead that a maintenance pass can fail a few times before writers notice. */
    public static final Duration AHEAD = Duration.ofHours(2);

    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);

    /**
     * Partition DDL locks the parent table, and inserts queue behind a waiting lock; giving up
     * after a short wait keeps writers flowing, and the next pass tries again.
     */
    private static final String LOCK_TIMEOUT = "2s";
    /** The NOTICE of CREATE TABLE IF NOT EXISTS that found the table. */
    private static final String ALREADY_EXISTS = "42P07";
    /** Another process created the same partition between our check and our CREATE. */
    private static final Set<String> LOST_CREATE_RACE = Set.of("42P07", "23505", "42P17");

    private final DataSource dataSource;
    private final ReadingsTable table;
    private final Duration retention;
    private final Clock clock;

    public PartitionManager(DataSource dataSource, ReadingsTable table, Duration retention, Clock clock) {
        if (retention.compareTo(BEHIND) < 0) {
            throw new IllegalArgumentException("retention " + retention + " is shorter than the " + BEHIND
                    + " kept for late readings");
        }
        this.dataSource = dataSource;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    /** What one maintenance pass changed. */
    public record Maintenance(List<HourlyPartition> created, List<HourlyPartition> dropped) {
    }

    /** Creates the partitions due ahead, then drops the expired ones. */
    public Maintenance maintain() {
        return new Maintenance(createAhead(), dropExpired());
    }

    /** Creates the missing partitions that cover [now - 1h, now + 2h]; returns those this call created. */
    public List<HourlyPartition> createAhead() {
        Instant now = clock.instant();
        Set<HourlyPartition> existing = Set.copyOf(partitions());
        List<HourlyPartition> created = new ArrayList<>();
        HourlyPartition last = HourlyPartition.containing(now.plus(AHEAD));
        for (HourlyPartition p = HourlyPartition.containing(now.minus(BEHIND)); p.compareTo(last) <= 0; p = p.next()) {
            if (!existing.contains(p) && create(p)) {
                created.add(p);
            }
        }
        return created;
    }

    /** Drops every partition that ended at least the retention ago; returns those dropped. */
    public List<HourlyPartition> dropExpired() {
        Instant cutoff = clock.instant().minus(retention);
        List<HourlyPartition> dropped = new ArrayList<>();
        for (HourlyPartition p : partitions()) {
            if (!p.end().isAfter(cutoff)) {
                drop(p);
                dropped.add(p);
            }
        }
        return dropped;
    }

    /** Makes sure the partition holding {@code scheduledAt} exists, for a reading that arrived before it. */
    public void ensureCovers(Instant scheduledAt) {
        create(HourlyPartition.containing(scheduledAt));
    }

    /** The partitions that exist now, oldest first; tables not named by this scheme are left out. */
    public List<HourlyPartition> partitions() {
        String sql = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                + " WHERE i.inhparent = to_regclass(?)";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table.qualified());
            List<HourlyPartition> partitions = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    HourlyPartition.fromName(rows.getString(1)).ifPresent(partitions::add);
                }
            }
            partitions.sort(null);
            return partitions;
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot list the partitions of " + table.qualified(), e);
        }
    }

    /** Returns whether this call created the partition, rather than finding it or losing a race for it. */
    private boolean create(HourlyPartition partition) {
        String ddl = "CREATE TABLE IF NOT EXISTS " + table.qualified(partition) + " PARTITION OF " + table.qualified()
                + " FOR VALUES FROM ('" + partition.start() + "') TO ('" + partition.end() + "')"
                // Readings are never updated, so pages may be filled completely.
                + " WITH (fillfactor = 100)";
        try (Connection connection = dataSource.getConnection()) {
            boolean created;
            try {
                created = runDdl(connection, ddl);
            } catch (SQLException e) {
                connection.rollback();
                if (LOST_CREATE_RACE.contains(e.getSQLState()) && exists(connection, partition)) {
                    return false;
                }
                throw e;
            }
            if (created) {
                log.atInfo().setMessage("created partition").addKeyValue("partition", table.qualified(partition)).log();
            }
            return created;
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot create partition " + table.qualified(partition), e);
        }
    }

    private void drop(HourlyPartition partition) {
        try (Connection connection = dataSource.getConnection()) {
            try {
                runDdl(connection, "DROP TABLE IF EXISTS " + table.qualified(partition));
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
            log.atInfo().setMessage("dropped partition past retention").addKeyValue("partition", table.qualified(partition))
                    .addKeyValue("retention", retention).log();
        } catch (SQLException e) {
            throw new TimeSeriesException("cannot drop partition " + table.qualified(partition), e);
        }
    }

    /** Runs one DDL statement in its own transaction; returns false when PostgreSQL skipped it ("already exists"). */
    private static boolean runDdl(Connection connection, String ddl) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            // SET LOCAL, so the setting ends with the transaction and pooled connections stay clean.
            statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            statement.execute(ddl);
            boolean skipped = warned(statement, ALREADY_EXISTS);
            connection.commit();
            return !skipped;
        }
    }

    private static boolean warned(Statement statement, String sqlState) throws SQLException {
        for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
            if (sqlState.equals(w.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private boolean exists(Connection connection, HourlyPartition partition) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table.qualified(partition));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }
}

