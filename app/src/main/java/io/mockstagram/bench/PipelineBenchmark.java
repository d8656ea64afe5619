package io.mockstagram.bench;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;
import io.mockstagram.local.PortPool;
import io.mockstagram.local.LocalServices;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;
import io.nats.client.Nats;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Runs the whole chain on this machine (mock API, nurse, producers, fetchers, updaters,
 * dashboard, each its own process) for a while, queries the dashboard at a steady rate
 * meanwhile, and reports throughput, coverage, lag, query latency, storage per reading and
 * the CPU each role used.
 */
final class PipelineBenchmark {

    record Options(int influencers, Duration duration, Duration interval, int producers, int fetchers, int updaters,
                   int queriesPerSecond, Path workDir, boolean rebuild) {
    }

    record RoleCpu(String role, double cores) {
    }

    record Result(double readingsPerSecond, double coverage, double lagP50Ms, double lagP99Ms, double queryP50Ms,
                  double queryP99Ms, double bytesPerReading, List<RoleCpu> cpu, double machineCores,
                  Map<String, double[]> serverSideQueries, double rebuildSeconds) {
    }

    private record Role(String kind, RoleProcess process, int port) {
    }


    private final Options options;
    private final ClusterSettings cluster;
    private final DatabaseSettings database;
    private final Consumer<String> progress;
    private final Namespace namespace = new Namespace("bench-" + Long.toHexString(System.nanoTime() & 0xffffff));
    private final Map<String, Role> roles = new LinkedHashMap<>();
    private final PortPool ports = new PortPool();

    PipelineBenchmark(Options options, ClusterSettings cluster, DatabaseSettings database, Consumer<String> progress) {
        this.options = options;
        this.cluster = cluster;
        this.database = database;
        this.progress = progress;
    }

    Result run() throws Exception {
        try (LocalServices services = LocalServices.provide(cluster, database, options.workDir().resolve("servers"))) {
            Map<String, String> env = new LinkedHashMap<>(services.env());
            env.put("MOCKSTAGRAM_NAMESPACE", namespace.name());
            env.put("MOCKSTAGRAM_INFLUENCERS", Integer.toString(options.influencers()));
            env.put("MOCKSTAGRAM_INTERVAL", options.interval().toMillis() + "ms");
            env.put("LOG_LEVEL", "WARN");
            int apiPort = ports.next();
            env.put("MOCKSTAGRAM_API_URL", "http://127.0.0.1:" + apiPort);

            RedisClient redisClient = RedisClient.create(env.get("REDIS_URL"));
            Vertx vertx = Vertx.vertx();
            try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
                launch("api", "api", RoleProcess.API_JVM, env, apiPort);
                launch("nurse", "nurse", RoleProcess.LIGHT_JVM, env, ports.next());
                launch("dashboard", "dashboard", RoleProcess.PIPELINE_JVM, env, ports.next());
                for (int i = 1; i <= options.updaters(); i++) {
                    launch("updater-" + i, "updater", RoleProcess.PIPELINE_JVM, env, ports.next());
                }
                for (int i = 1; i <= options.fetchers(); i++) {
                    launch("fetcher-" + i, "fetcher", RoleProcess.PIPELINE_JVM, env, ports.next());
                }
                for (int i = 1; i <= options.producers(); i++) {
                    launch("producer-" + i, "producer", RoleProcess.LIGHT_JVM, env, ports.next(), "--name", "producer-" + i);
                }
                WebClient http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true));
                var latest = new LatestReadings(redis.async(), namespace);
                return measure(http, latest, env, redis);
            } finally {
                // Newest first: producers stop scheduling before fetchers go, and the API outlives its callers.
                List<Role> newestFirst = new ArrayList<>(roles.values());
                Collections.reverse(newestFirst);
                newestFirst.forEach(role -> role.process().close());
                cleanUp(env, redisClient);
                vertx.close();
                redisClient.shutdown();
            }
        }
    }

    private void launch(String name, String kind, List<String> jvm, Map<String, String> env, int port, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--http-port");
        all.add(Integer.toString(port));
        roles.put(name, new Role(kind, RoleProcess.start(kind, jvm, all, env, options.workDir().resolve("logs/" + name + ".log"),
                RoleProcess.Priority.of(kind)), port));
    }

    private Result measure(WebClient http, LatestReadings latest, Map<String, String> env,
                           StatefulRedisConnection<String, String> redis) throws Exception {
        // Producers that start mid-interval schedule their whole share into what is left of it:
        // the pipeline starts behind, and the measurement waits until it has caught up, that is
        // until two intervals in a row were fully polled.
        progress.accept("warming up: waiting until two intervals in a row are fully polled");
        Duration interval = options.interval();
        Instant warmupLimit = Instant.now().plus(interval.multipliedBy(10)).plusSeconds(60);
        while (true) {
            long last = Tick.at(Instant.now(), interval).index() - 1;
            if (coverageOf(latest, last) >= options.influencers() && coverageOf(latest, last - 1) >= options.influencers()) {
                break;
            }
            require(Instant.now().isBefore(warmupLimit), "the pipeline never caught up; see the logs in "
                    + options.workDir().resolve("logs"));
            Pause.of(Duration.ofSeconds(1));
        }

        // Wait for the top of an interval, so that the window covers whole intervals.
        Pause.of(Duration.between(Instant.now(), Tick.at(Instant.now(), interval).end()));
        var queries = new QueryLoad(roles.get("dashboard").port(), PkRange.of(options.influencers()),
                options.queriesPerSecond());
        Map<String, Double> cpuBefore = cpuSeconds();
        double storedBefore = sumOver("updater", "mockstagram_update_readings_total", http);
        TreeMap<Double, Double> lagBefore = lagBuckets(http);
        long machineBefore = machineCpuNanos();
        Instant start = Instant.now();
        queries.start();
        Instant end = start.plus(options.duration());
        Instant wipeAt = options.rebuild() ? start.plus(options.duration().dividedBy(2)) : Instant.MAX;
        Instant wiped = null;
        Instant rebuilt = null;
        while (Instant.now().isBefore(end)) {
            if (wiped == null && !Instant.now().isBefore(wipeAt)) {
                progress.accept("wiping the namespace's Redis keys; the updaters must rebuild the view from PostgreSQL");
                wipe(redis);
                wiped = Instant.now();
                rebuilt = awaitRebuilt(http, wiped);
                progress.accept(String.format("view rebuilt after %.1f s", Duration.between(wiped, rebuilt).toMillis() / 1000.0));
            }
            Pause.of(Duration.ofSeconds(5));
            double stored = sumOver("updater", "mockstagram_update_readings_total", http) - storedBefore;
            double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
            long lastTick = Tick.at(Instant.now(), interval).index() - 1;
            progress.accept(String.format("%4.0fs  readings/s %7.0f  last full interval %5.1f %%  queries p99 %5.1f ms",
                    seconds, stored / seconds, 100.0 * coverageOf(latest, lastTick) / options.influencers(),
                    queries.p99()));
        }
        queries.stop();
        double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
        double stored = sumOver("updater", "mockstagram_update_readings_total", http) - storedBefore;
        TreeMap<Double, Double> lag = Scrape.minus(lagBuckets(http), lagBefore);
        Map<String, Double> cpuAfter = cpuSeconds();
        double machineCores = (machineCpuNanos() - machineBefore) / 1e9 / seconds;

        // The lowest coverage of any interval that lay wholly inside the window. Coverage is
        // counted in Redis as readings are stored and is not rebuilt, so the intervals a wipe
        // cut into are left out (PostgreSQL has every one of their readings).
        long firstTick = Tick.at(start, interval).index() + 1;
        long lastTick = Tick.at(Instant.now(), interval).index() - 1;
        double coverage = 1.0;
        for (long tick = firstTick; tick < lastTick; tick++) {
            if (wiped != null && !new Tick(tick, interval).end().isBefore(wiped)
                    && !new Tick(tick, interval).start().isAfter(rebuilt.plus(interval))) {
                continue;
            }
            coverage = Math.min(coverage, (double) coverageOf(latest, tick) / options.influencers());
        }
        if (firstTick >= lastTick) {
            coverage = (double) coverageOf(latest, lastTick) / options.influencers();
        }

        List<RoleCpu> cpu = new ArrayList<>();
        cpuAfter.forEach((name, after) -> cpu.add(new RoleCpu(name, (after - cpuBefore.getOrDefault(name, after)) / seconds)));

        double bytesPerReading;
        try (TimeSeries timeSeries = TimeSeries.open(DatabaseSettings.resolve(null, Map.of("DATABASE_URL", env.get("DATABASE_URL"))),
                namespace, TimeSeriesSettings.defaults(), Duration.ofSeconds(10), null)) {
            bytesPerReading = timeSeries.store().bytesPerReading().orElse(Double.NaN);
        }
        // As the dashboard timed them, by endpoint: where the client's latency comes from.
        Map<String, double[]> serverSide = new LinkedHashMap<>();
        String dashboardMetrics = scrape(http, roles.get("dashboard").port());
        for (String endpoint : List.of("influencer", "timeline", "stats")) {
            var buckets = Scrape.buckets(dashboardMetrics, "mockstagram_query_seconds", "endpoint=\"" + endpoint + "\"");
            serverSide.put(endpoint, new double[] {Scrape.quantile(buckets, 0.5) * 1000, Scrape.quantile(buckets, 0.99) * 1000});
        }
        return new Result(stored / seconds, coverage, Scrape.quantile(lag, 0.5) * 1000, Scrape.quantile(lag, 0.99) * 1000,
                queries.p50(), queries.p99(), bytesPerReading, cpu, machineCores, serverSide,
                wiped == null ? Double.NaN : Duration.between(wiped, rebuilt).toMillis() / 1000.0);
    }

    /**
     * Deletes every key of the bench's namespace, membership included, as a Redis restarted
     * empty would; only the namespace's, since the Redis may be shared.
     */
    private void wipe(StatefulRedisConnection<String, String> redis) {
        ScanIterator<String> keys = ScanIterator.scan(redis.sync(), KeyScanArgs.Builder.matches(namespace.name() + "*").limit(1000));
        List<String> all = new ArrayList<>();
        keys.forEachRemaining(all::add);
        for (int from = 0; from < all.size(); from += 1000) {
            redis.sync().unlink(all.subList(from, Math.min(all.size(), from + 1000)).toArray(String[]::new));
        }
    }

    /** When the query API stopped answering "rebuilding" after the wipe. */
    private Instant awaitRebuilt(WebClient http, Instant wiped) {
        Instant limit = wiped.plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(limit)) {
            try {
                int status = http.get(roles.get("dashboard").port(), "127.0.0.1", "/api/stats").timeout(5000).send()
                        .toCompletionStage().toCompletableFuture().join().statusCode();
                if (status == 200) {
                    return Instant.now();
                }
            } catch (RuntimeException e) {
                // not yet
            }
            Pause.of(Duration.ofMillis(100));
        }
        throw new IllegalStateException("the view was not rebuilt within 5 minutes of the wipe");
    }

    private long coverageOf(LatestReadings latest, long tick) {
        Duration interval = options.interval();
        return latest.coverage(new Tick(tick, interval).start().toEpochMilli()).toCompletableFuture().join();
    }

    private double sumOver(String kind, String metric, WebClient http) {
        double total = 0;
        for (Role role : roles.values()) {
            if (role.kind().equals(kind)) {
                total += Scrape.sum(scrape(http, role.port()), metric);
            }
        }
        return total;
    }

    private TreeMap<Double, Double> lagBuckets(WebClient http) {
        List<TreeMap<Double, Double>> all = new ArrayList<>();
        for (Role role : roles.values()) {
            if (role.kind().equals("updater")) {
                all.add(Scrape.buckets(scrape(http, role.port()), "mockstagram_update_lag_seconds"));
            }
        }
        return Scrape.add(all);
    }

    private static String scrape(WebClient http, int port) {
        try {
            return http.get(port, "127.0.0.1", "/metrics").timeout(5000).send()
                    .toCompletionStage().toCompletableFuture().get(6, TimeUnit.SECONDS).bodyAsString();
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * CPU seconds so far per role kind (fetchers summed, say), per server running on this
     * machine, and for this benchmark's own query load.
     */
    private Map<String, Double> cpuSeconds() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        roles.values().forEach(role -> seconds.merge(role.kind(), cpuOf(ProcessHandle.of(role.process().pid())), Double::sum));
        ProcessHandle.allProcesses().forEach(process -> process.info().command().ifPresent(command -> {
            // Debian's redis-server is a link to redis-check-rdb, which is what the process reports.
            String server = command.endsWith("/redis-server") || command.endsWith("/redis-check-rdb") ? "redis-server"
                    : command.endsWith("/nats-server") ? "nats-server"
                    : command.endsWith("/postgres") ? "postgresql" : null;
            if (server != null) {
                seconds.merge(server, cpuOf(Optional.of(process)), Double::sum);
            }
        }));
        seconds.put("benchmark", cpuOf(Optional.of(ProcessHandle.current())));
        return seconds;
    }

    private static double cpuOf(Optional<ProcessHandle> process) {
        return process.flatMap(h -> h.info().totalCpuDuration()).map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    private static long machineCpuNanos() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i <= 8 && i < fields.length; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy * 10_000_000L;
        } catch (Exception e) {
            return 0;
        }
    }

    private void cleanUp(Map<String, String> env, RedisClient redisClient) {
        try (var redis = redisClient.connect()) {
            ScanIterator<String> keys = ScanIterator.scan(redis.sync(), KeyScanArgs.Builder.matches(namespace.name() + "*").limit(1000));
            List<String> batch = new ArrayList<>();
            while (keys.hasNext()) {
                batch.add(keys.next());
                if (batch.size() == 1000) {
                    redis.sync().unlink(batch.toArray(String[]::new));
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                redis.sync().unlink(batch.toArray(String[]::new));
            }
        } catch (RuntimeException e) {
            progress.accept("could not delete the benchmark's Redis keys: " + e.getMessage());
        }
        try (var nats = Nats.connect(env.get("NATS_URL"))) {
            var jsm = nats.jetStreamManagement();
            for (String stream : jsm.getStreamNames()) {
                if (stream.startsWith(namespace.name() + "_")) {
                    jsm.deleteStream(stream);
                }
            }
        } catch (Exception e) {
            progress.accept("could not delete the benchmark's streams: " + e.getMessage());
        }
        var db = DatabaseSettings.resolve(null, Map.of("DATABASE_URL", env.get("DATABASE_URL")));
        try (var connection = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             var statement = connection.createStatement()) {
            statement.execute("drop schema if exists \"" + namespace.databaseSchema() + "\" cascade");
        } catch (Exception e) {
            progress.accept("could not drop the benchmark's schema: " + e.getMessage());
        }
    }

    private static void require(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    /** Queries the dashboard at a steady rate (a mix of the three endpoints) and keeps each latency. */
    private static final class QueryLoad {

        /** Its own event loop, so that scraping metrics never delays a query's answer. */
        private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        private final WebClient http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(16));
        private final int port;
        private final PkRange range;
        private final int perSecond;
        private final List<Double> latenciesMs = new CopyOnWriteArrayList<>();
        private volatile boolean running;
        private Thread driver;

        QueryLoad(int port, PkRange range, int perSecond) {
            this.port = port;
            this.range = range;
            this.perSecond = perSecond;
        }

        void start() {
            running = true;
            driver = new Thread(this::drive, "query-load");
            driver.setDaemon(true);
            driver.start();
        }

        private void drive() {
            long periodNanos = 1_000_000_000L / Math.max(1, perSecond);
            long next = System.nanoTime();
            int n = 0;
            while (running) {
                next += periodNanos;
                int pk = range.first() + ThreadLocalRandom.current().nextInt(range.count());
                String path = switch (n++ % 10) {
                    case 0 -> "/api/stats";
                    case 1 -> "/api/influencers/" + pk + "/timeline";
                    default -> "/api/influencers/" + pk;
                };
                long sent = System.nanoTime();
                http.get(port, "127.0.0.1", path).timeout(5000).send().onComplete(outcome -> {
                    if (outcome.succeeded() && outcome.result().statusCode() < 500) {
                        latenciesMs.add((System.nanoTime() - sent) / 1e6);
                    }
                });
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            driver.join(5000);
            vertx.close();
        }

        double p50() {
            return latenciesMs.isEmpty() ? Double.NaN : Percentiles.of(List.copyOf(latenciesMs)).p50();
        }

        double p99() {
            return latenciesMs.isEmpty() ? Double.NaN : Percentiles.of(List.copyOf(latenciesMs)).p99();
        }
    }
}
