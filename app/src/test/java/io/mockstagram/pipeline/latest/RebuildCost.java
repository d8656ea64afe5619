package io.mockstagram.pipeline.latest;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;
import io.mockstagram.local.RedisServer;
import io.mockstagram.pipeline.timeseries.ReadingsTable;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;

import com.sun.management.OperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Hand-run measurement of a rebuild of the Redis view: fills the aggregate table of a scratch
 * schema with {@code influencers} rows (a tenth of them classified), rebuilds the view into a
 * Redis server of its own, prints the seconds and CPU it took, and deletes both.
 * Not a test: the figure depends on the machine and whatever else runs.
 *
 * <pre>
 * java -cp app/target/test-classes:app/target/mockstagram.jar io.mockstagram.pipeline.latest.RebuildCost [influencers]
 * </pre>
 */
public final class RebuildCost {

    private RebuildCost() {
    }

    private static double redisCpuSeconds(String info) {
        return info.lines().filter(line -> line.startsWith("used_cpu_user:") || line.startsWith("used_cpu_sys:"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(':') + 1).trim())).sum();
    }

    public static void main(String[] args) throws Exception {
        int influencers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        var env = System.getenv();
        DatabaseSettings database = DatabaseSettings.resolve(null,
                Map.of("DATABASE_URL", env.getOrDefault("DATABASE_URL", "postgresql://127.0.0.1:5432/postgres")));
        Namespace namespace = new Namespace("rebuild-" + UUID.randomUUID().toString().substring(0, 8));
        ReadingsTable table = ReadingsTable.of(namespace);
        // A Redis of its own, so that its CPU time is the rebuild's alone.
        RedisServer server = RedisServer.startOnFreePort(Files.createTempDirectory("rebuild-cost-"));
        RedisClient client = RedisClient.create(server.url());
        try (server; var redis = client.connect();
             TimeSeries timeSeries = TimeSeries.open(database, namespace, TimeSeriesSettings.defaults(), Duration.ofSeconds(10), null);
             var sql = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
            try (var statement = sql.createStatement()) {
                statement.execute("INSERT INTO " + table.aggregates() + " SELECT pk, 100, 100 * (100000 + pk % 50000),"
                        + " 100 * (1000 + pk % 500), now(), now(), 100000 + pk % 50000, 1000 + pk % 500,"
                        + " CASE WHEN pk % 10 = 0 THEN pk % 20 = 0 END, CASE WHEN pk % 10 = 0 THEN now() END"
                        + " FROM generate_series(1000000, " + (1_000_000 + influencers - 1) + ") AS pk");
                statement.execute("VACUUM ANALYZE " + table.aggregates());
            }
            var view = new LatestReadings(redis.async(), namespace);
            view.preload().toCompletableFuture().join();
            var rebuilder = new ViewRebuilder(view, timeSeries.store().aggregates(), Duration.ofSeconds(1), new SimpleMeterRegistry());
            try {
                var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                double redisBefore = redisCpuSeconds(redis.sync().info("cpu"));
                long clientBefore = os.getProcessCpuTime();
                long started = System.nanoTime();
                boolean rebuilt = rebuilder.rebuildIfFree();
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("rebuilt %s: %,d influencers in %.1f s (CPU: Redis %.1f s, this JVM %.1f s); view says %s%n",
                        rebuilt, influencers, seconds, redisCpuSeconds(redis.sync().info("cpu")) - redisBefore,
                        (os.getProcessCpuTime() - clientBefore) / 1e9, view.stats().toCompletableFuture().join());
            } finally {
                redis.sync().unlink(view.keys().all().toArray(String[]::new));
                try (var statement = sql.createStatement()) {
                    statement.execute("DROP SCHEMA \"" + table.schema() + "\" CASCADE");
                }
            }
        } finally {
            client.shutdown();
        }
    }
}
