package io.mockstagram.pipeline.timeseries;

import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;
import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.Tick;
import org.flywaydb.core.Flyway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Hand-run measurement of what keeping the aggregate table costs per stored reading, three
 * ways over the same batches: raw rows only (as before V2), the raw insert feeding an upsert
 * in one statement (what {@link TimeSeriesStore#insert} does), and a statement-level trigger
 * over the insert's transition table followed by a read of the rows for Redis. Prints wall
 * µs per reading on one connection, then the aggregate table's HOT update share and
 * autovacuum runs. Not a test: the figures depend on the machine and whatever else runs.
 *
 * <pre>
 * mvn -o -q -pl app test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp app/target/test-classes:app/target/classes:$(cat app/cp.txt) \
 *     io.mockstagram.pipeline.timeseries.AggregateCost [influencers] [ticks]
 * </pre>
 */
public final class AggregateCost {

    private static final int BATCH = 1000;
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private AggregateCost() {
    }

    public static void main(String[] args) throws Exception {
        int influencers = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int ticks = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        DatabaseSettings settings = DatabaseSettings.resolve(null,
                Map.of("DATABASE_URL", System.getenv().getOrDefault("DATABASE_URL", "postgresql://127.0.0.1:5432/postgres")));
        List<ReadingBatch> batches = batches(influencers, ticks);
        for (String variant : List.of("raw", "upsert", "trigger", "upsert", "trigger")) {
            measure(variant, settings, batches, influencers);
        }
    }

    private static List<ReadingBatch> batches(int influencers, int ticks) {
        Instant now = Instant.now();
        Random random = new Random(7);
        List<ReadingBatch> all = new ArrayList<>();
        for (int t = ticks; t >= 1; t--) {
            Tick tick = Tick.at(now.minus(INTERVAL.multipliedBy(t)), INTERVAL);
            List<ReadingBatch> one = new ArrayList<>();
            for (int first = 1_000_000; first < 1_000_000 + influencers; first += BATCH) {
                int[] pks = IntStream.range(first, Math.min(first + BATCH, 1_000_000 + influencers)).toArray();
                int[] followers = IntStream.of(pks).map(pk -> 100_000 + random.nextInt(50_000)).toArray();
                int[] following = IntStream.of(pks).map(pk -> 1000 + random.nextInt(500)).toArray();
                long[] at = IntStream.of(pks).mapToLong(pk -> tick.start().toEpochMilli() + random.nextInt(50_000)).toArray();
                one.add(new ReadingBatch(UUID.randomUUID().toString(), tick.index(), INTERVAL.toMillis(),
                        tick.start().toEpochMilli(), pks, followers, following, at));
            }
            Collections.shuffle(one, random);
            all.addAll(one);
        }
        return all;
    }

    private static void measure(String variant, DatabaseSettings settings, List<ReadingBatch> batches, int influencers)
            throws Exception {
        Namespace namespace = new Namespace("cost-" + UUID.randomUUID().toString().substring(0, 8));
        ReadingsTable table = ReadingsTable.of(namespace);
        Flyway.configure(AggregateCost.class.getClassLoader()).dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                .schemas(table.schema()).defaultSchema(table.schema()).createSchemas(true)
                .locations("classpath:db/migration").target(variant.equals("raw") ? "1" : "2").load().migrate();
        try (Database database = Database.open(settings, 1, Duration.ofSeconds(10))) {
            var partitions = new PartitionManager(database.dataSource(), table, PartitionManager.DEFAULT_RETENTION,
                    Clock.system(ZoneOffset.UTC));
            partitions.createAhead();
            for (ReadingBatch batch : batches) {
                partitions.ensureCovers(batch.scheduledAt());
            }
            var store = new TimeSeriesStore(database.dataSource(), table, partitions);
            String raw = "INSERT INTO " + table.qualified() + " (pk, scheduled_at, fetched_at, follower_count, following_count)"
                    + " SELECT r.pk, ?, timestamptz 'epoch' + r.fetched_ms * interval '1 millisecond', r.followers, r.following"
                    + " FROM unnest(?::int4[], ?::int8[], ?::int4[], ?::int4[]) AS r(pk, fetched_ms, followers, following)"
                    + " ON CONFLICT (pk, scheduled_at) DO NOTHING RETURNING pk";
            if (variant.equals("trigger")) {
                execute(database, "CREATE FUNCTION " + quote(table.schema()) + ".fold() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN " + AggregateStore.upsertFrom(table, "new_rows").replaceAll(" RETURNING .*$", "")
                        + "; RETURN NULL; END $$");
                execute(database, "CREATE TRIGGER fold AFTER INSERT ON " + table.qualified()
                        + " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "
                        + quote(table.schema()) + ".fold()");
            }
            long started = System.nanoTime();
            for (ReadingBatch batch : batches) {
                switch (variant) {
                    case "upsert" -> store.insert(batch);
                    case "raw", "trigger" -> insertRaw(database, raw, batch, variant.equals("trigger") ? store : null);
                    default -> throw new IllegalArgumentException(variant);
                }
            }
            double micros = (System.nanoTime() - started) / 1e3 / (batches.size() * (double) BATCH);
            String stats = variant.equals("raw") ? "" : stats(database, table);
            System.out.printf("%-8s %6.2f µs/reading %s%n", variant, micros, stats);
        } finally {
            try (Database database = Database.open(settings, 1, Duration.ofSeconds(10))) {
                execute(database, "DROP SCHEMA " + quote(table.schema()) + " CASCADE");
            }
        }
    }

    /** The raw insert; with a store, then the aggregate rows Redis needs, read in the same transaction. */
    private static void insertRaw(Database database, String sql, ReadingBatch batch, TimeSeriesStore store) throws SQLException {
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setObject(1, batch.scheduledAt().atOffset(ZoneOffset.UTC));
                statement.setObject(2, batch.pks());
                statement.setObject(3, batch.fetchedAtMs());
                statement.setObject(4, batch.followers());
                statement.setObject(5, batch.following());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        rows.getInt(1);
                    }
                }
            }
            if (store != null) {
                store.aggregates().rows(connection, batch.pks());
            }
            connection.commit();
        }
    }

    private static String stats(Database database, ReadingsTable table) throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_stat_force_next_flush()");
        } catch (SQLException e) {
            // before PostgreSQL 15 the statistics are flushed within a second anyway
        }
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT n_tup_upd, n_tup_hot_upd, autovacuum_count, n_dead_tup,"
                     + " pg_total_relation_size(relid) FROM pg_stat_user_tables WHERE schemaname = '" + table.schema()
                     + "' AND relname = '" + ReadingsTable.AGGREGATES + "'")) {
            row.next();
            long updates = row.getLong(1);
            return String.format("HOT %5.1f %% of %,d updates, autovacuum runs %d, dead rows %,d, table %,d kB",
                    updates == 0 ? 0 : 100.0 * row.getLong(2) / updates, updates, row.getLong(3), row.getLong(4),
                    row.getLong(5) / 1024);
        }
    }

    private static void execute(Database database, String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier + '"';
    }
}
