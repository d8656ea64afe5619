package io.mockstagram.pipeline.timeseries;

import com.sun.management.OperatingSystemMXBean;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;
import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.Tick;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * Hand-run measurement of {@link TimeSeriesStore#insert}: loads readings the way updaters
 * would (1000-reading batches of one tick, a producer's share each, in no particular order),
 * into a fresh schema per run, and prints rows/s, the CPU it took and bytes per reading.
 * Not a test: the figures depend on the machine and on whatever else runs on it.
 *
 * <pre>
 * mvn -o -q -pl app test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt
 * java -cp app/target/test-classes:app/target/classes:$(cat app/cp.txt) \
 *     io.mockstagram.pipeline.timeseries.InsertThroughput [rows] [influencers] [threads] [runs] [rows/s]
 * </pre>
 * CPU is read from /proc, so PostgreSQL must run on this machine; it counts this JVM, the
 * pool's server backends and the server's WAL writer, checkpointer and background writer.
 */
public final class InsertThroughput {

    private static final int BATCH = 1000;
    private static final int PRODUCERS = 4;
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private InsertThroughput() {
    }

    private record Run(double rowsPerSecond, double cores, double cpuMicrosPerRow, double serverShare, double bytesPerReading) {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int influencers = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        double pace = args.length > 4 ? Double.parseDouble(args[4]) : 0;
        DatabaseSettings settings = DatabaseSettings.resolve(null, System.getenv());
        List<ReadingBatch> batches = batches(rows, influencers);

        List<Run> results = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Run run = measure(settings, batches, threads, pace);
            results.add(run);
            System.out.printf("run %d: %,.0f rows/s, %.2f cores (%.1f us CPU per row, %.0f%% in PostgreSQL;"
                            + " %.2f cores at 16.7k rows/s), %.1f bytes/reading%n",
                    i + 1, run.rowsPerSecond(), run.cores(), run.cpuMicrosPerRow(), run.serverShare() * 100,
                    run.cpuMicrosPerRow() * 16_667 / 1e6, run.bytesPerReading());
        }
        System.out.printf("median of %d: %,.0f rows/s, %.1f us CPU per row (%.2f cores at 16.7k rows/s), %.1f bytes/reading"
                        + " (%,d rows, %,d influencers, %d threads)%n",
                runs, median(results, Run::rowsPerSecond), median(results, Run::cpuMicrosPerRow),
                median(results, Run::cpuMicrosPerRow) * 16_667 / 1e6, median(results, Run::bytesPerReading),
                rows, influencers, threads);
    }

    private static double median(List<Run> runs, ToDoubleFunction<Run> figure) {
        double[] values = runs.stream().mapToDouble(figure).sorted().toArray();
        return values[values.length / 2];
    }

    /** Ticks one after another; within a tick every producer's share, cut into batches, shuffled. */
    private static List<ReadingBatch> batches(int rows, int influencers) {
        Random random = new Random(42);
        Tick tick = Tick.at(Instant.now(), INTERVAL);
        List<ReadingBatch> all = new ArrayList<>();
        int left = rows;
        while (left > 0) {
            List<ReadingBatch> ofTick = new ArrayList<>();
            for (int producer = 0; producer < PRODUCERS; producer++) {
                int owner = producer;
                int[] share = IntStream.range(0, influencers).filter(i -> i % PRODUCERS == owner).map(i -> 1_000_000 + i).toArray();
                for (int from = 0; from < share.length; from += BATCH) {
                    ofTick.add(batch(tick, Arrays.copyOfRange(share, from, Math.min(share.length, from + BATCH)), random));
                }
            }
            Collections.shuffle(ofTick, random);
            for (ReadingBatch batch : ofTick) {
                if (left <= 0) {
                    break;
                }
                all.add(batch);
                left -= batch.size();
            }
            tick = tick.next();
        }
        return all;
    }

    private static ReadingBatch batch(Tick tick, int[] pks, Random random) {
        int n = pks.length;
        int[] followers = new int[n];
        int[] following = new int[n];
        long[] fetchedAt = new long[n];
        for (int i = 0; i < n; i++) {
            followers[i] = 5000 + random.nextInt(200_000);
            following[i] = 50 + random.nextInt(2000);
            fetchedAt[i] = tick.start().toEpochMilli() + random.nextInt((int) INTERVAL.toMillis());
        }
        return new ReadingBatch(UUID.randomUUID().toString(), tick.index(), INTERVAL.toMillis(), tick.start().toEpochMilli(),
                pks, followers, following, fetchedAt);
    }

    /** @param pace rows per second to hold to, as updaters at the target rate would; 0 for as fast as possible */
    private static Run measure(DatabaseSettings settings, List<ReadingBatch> batches, int threads, double pace)
            throws Exception {
        Namespace namespace = new Namespace("bench-" + UUID.randomUUID().toString().substring(0, 8));
        ReadingsTable table = ReadingsTable.of(namespace);
        try (Database database = Database.open(settings, threads, Duration.ofSeconds(10))) {
            SchemaMigrations.migrate(settings, table);
            var partitions = new PartitionManager(database.dataSource(), table, PartitionManager.DEFAULT_RETENTION,
                    Clock.systemUTC());
            partitions.createAhead();
            var store = new TimeSeriesStore(database.dataSource(), table, partitions);
            List<Integer> pids = serverProcesses(database, threads);

            long wallStart = System.nanoTime();
            long jvmStart = jvmCpuNanos();
            long serverStart = ticksToNanos(pids);
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    int stored = 0;
                    for (int i = next.getAndIncrement(); i < batches.size(); i = next.getAndIncrement()) {
                        if (pace > 0) {
                            long due = wallStart + (long) (i * BATCH / pace * 1e9);
                            LockSupport.parkNanos(due - System.nanoTime());
                        }
                        stored += store.insert(batches.get(i)).inserted();
                    }
                    return stored;
                }));
            }
            long stored = 0;
            for (Future<Integer> worker : workers) {
                stored += worker.get();
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - wallStart) / 1e9;
            double jvmSeconds = (jvmCpuNanos() - jvmStart) / 1e9;
            double serverSeconds = (ticksToNanos(pids) - serverStart) / 1e9;
            double cpuSeconds = jvmSeconds + serverSeconds;

            double bytes = store.bytesPerReading().orElse(Double.NaN);
            try (Connection connection = database.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA \"" + table.schema() + "\" CASCADE");
            }
            return new Run(stored / seconds, cpuSeconds / seconds, cpuSeconds * 1e6 / stored, serverSeconds / cpuSeconds, bytes);
        }
    }

    /** The pool's backends (one per connection, held at once so each is counted) and the server's writers. */
    private static List<Integer> serverProcesses(Database database, int connections) throws SQLException, IOException {
        List<Integer> pids = new ArrayList<>();
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Connection connection = database.dataSource().getConnection();
                held.add(connection);
                try (Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                    row.next();
                    pids.add(row.getInt(1));
                }
            }
        } finally {
            for (Connection connection : held) {
                connection.close();
            }
        }
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                String command = readQuietly(entry.resolve("cmdline")).replace('\0', ' ');
                if (command.matches("postgres: .*(walwriter|checkpointer|background writer).*")) {
                    pids.add(Integer.parseInt(entry.getFileName().toString()));
                }
            }
        }
        return pids;
    }

    private static String readQuietly(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            return "";
        }
    }

    /** utime + stime of the processes, in nanoseconds (at the usual 100 clock ticks a second). */
    private static long ticksToNanos(List<Integer> pids) {
        long ticks = 0;
        for (int pid : pids) {
            String stat = readQuietly(Path.of("/proc", Integer.toString(pid), "stat"));
            if (stat.isEmpty()) {
                continue;
            }
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return ticks * 10_000_000L;
    }

    private static long jvmCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
