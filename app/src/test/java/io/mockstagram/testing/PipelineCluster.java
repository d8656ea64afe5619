package io.mockstagram.testing;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Namespace;
import io.mockstagram.local.PortPool;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.nats.client.Nats;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline as separate processes (mock API, nurse, producers, fetchers, updaters)
 * on the machine's Redis, NATS and PostgreSQL, in a namespace and schema of its own that
 * are deleted afterwards. Checks read the stored data directly.
 */
public final class PipelineCluster implements AutoCloseable {

    public static final List<String> JVM = List.of("-XX:+UseSerialGC", "-Xmx256m", "-Xss512k");

    private final String redisUrl;
    private final String natsUrl = System.getenv().getOrDefault("NATS_URL", "nats://127.0.0.1:4222");
    private final DatabaseSettings database = DatabaseSettings.resolve(null,
            Map.of("DATABASE_URL", System.getenv().getOrDefault("DATABASE_URL", "postgresql://127.0.0.1:5432/postgres")));
    private final Namespace namespace = new Namespace("e2e-" + UUID.randomUUID().toString().substring(0, 8));
    private final int influencers;
    private Duration interval;
    private final Path workDir;
    private final PortPool freePorts = new PortPool();
    private final int apiPort = freePorts.next();
    private final Map<String, RoleProcess> roles = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new HashMap<>();
    /** Read by background samplers ({@link Invariants}) while a test starts producers. */
    private final Map<String, Integer> producerPorts = new ConcurrentHashMap<>();
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newFixedThreadPool(2, r -> {
        Thread thread = new Thread(r, "pipeline-test-http");
        thread.setDaemon(true);
        return thread;
    })).build();

    public PipelineCluster(int influencers, Duration interval) {
        this(influencers, interval, System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
    }

    /** On a Redis of the caller's, for tests that wipe or restart it. */
    public PipelineCluster(int influencers, Duration interval, String redisUrl) {
        this.redisUrl = redisUrl;
        this.influencers = influencers;
        this.interval = interval;
        try {
            this.workDir = Files.createTempDirectory("mockstagram-e2e-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.redisClient = RedisClient.create(redisUrl);
        this.redis = redisClient.connect();
    }

    public Namespace namespace() {
        return namespace;
    }

    public Duration interval() {
        return interval;
    }

    /** The interval roles started from now on poll at, as when --interval is changed for a restart. */
    public void changeInterval(Duration interval) {
        this.interval = interval;
    }

    public int influencers() {
        return influencers;
    }

    public LatestReadings latest() {
        return new LatestReadings(redis.async(), namespace);
    }

    private Map<String, String> env() {
        return Map.of("REDIS_URL", redisUrl, "NATS_URL", natsUrl, "DATABASE_URL", database.setting().value(),
                "MOCKSTAGRAM_NAMESPACE", namespace.name(), "MOCKSTAGRAM_INTERVAL", interval.toMillis() + "ms",
                "MOCKSTAGRAM_INFLUENCERS", Integer.toString(influencers), "MOCKSTAGRAM_API_URL", "http://127.0.0.1:" + apiPort);
    }

    public RoleProcess start(String name, String role, List<String> jvm, String... args) {
        int port = role.equals("api") ? apiPort : freePorts.next();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--http-port");
        all.add(Integer.toString(port));
        RoleProcess process = RoleProcess.start(role, jvm, all, env(), workDir.resolve("logs/" + name + ".log"));
        roles.put(name, process);
        ports.put(name, port);
        return process;
    }

    public RoleProcess api(String... faults) {
        List<String> args = new ArrayList<>(List.of("--seed", "7"));
        args.addAll(List.of(faults));
        return start("api", "api", JVM, args.toArray(String[]::new));
    }

    public RoleProcess nurse() {
        return start("nurse", "nurse", RoleProcess.LIGHT_JVM);
    }

    public RoleProcess producer(String name, String... args) {
        List<String> all = new ArrayList<>(List.of("--name", name));
        all.addAll(List.of(args));
        RoleProcess process = start(name, "producer", RoleProcess.LIGHT_JVM, all.toArray(String[]::new));
        producerPorts.put(name, ports.get(name));
        return process;
    }

    /** Every producer started, by name, with its HTTP port; one stopped or killed since just no longer answers. */
    public Map<String, Integer> producerPorts() {
        return Map.copyOf(producerPorts);
    }

    public String redisUrl() {
        return redisUrl;
    }

    public RoleProcess fetcher(String name, String... args) {
        List<String> all = new ArrayList<>(List.of("--ack-wait", "3s"));
        all.addAll(List.of(args));
        return start(name, "fetcher", JVM, all.toArray(String[]::new));
    }

    public RoleProcess updater(String name) {
        return start(name, "updater", JVM, "--ack-wait", "3s");
    }

    public RoleProcess role(String name) {
        return roles.get(name);
    }

    public Optional<String> get(String role, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + ports.get(role) + path)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The sum of a Prometheus counter over one role's series. */
    public double metric(String role, String name) {
        return get(role, "/metrics").map(text -> text.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum()).orElse(0.0);
    }

    /** Readings stored per tick start, straight from PostgreSQL. */
    public TreeMap<Instant, Integer> readingsPerTick() {
        return query("select scheduled_at, count(*) from " + table() + " group by scheduled_at", rs -> {
            var counts = new TreeMap<Instant, Integer>();
            while (rs.next()) {
                counts.put(rs.getTimestamp(1).toInstant(), rs.getInt(2));
            }
            return counts;
        });
    }

    /** The ticks that ended before {@code until}, from the first that began after {@code since}. */
    public Map<Instant, Integer> completedTicks(Instant since, Instant until) {
        return readingsPerTick().entrySet().stream()
                .filter(e -> e.getKey().isAfter(since) && e.getKey().plus(interval).isBefore(until))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** Every pk's readings, as stored: pk to follower counts in tick order. */
    public Map<Integer, List<Integer>> followerHistory() {
        return query("select pk, follower_count from " + table() + " order by pk, scheduled_at", rs -> {
            var history = new HashMap<Integer, List<Integer>>();
            while (rs.next()) {
                history.computeIfAbsent(rs.getInt(1), pk -> new ArrayList<>()).add(rs.getInt(2));
            }
            return history;
        });
    }

    /** True when no task or reading batch waits in a queue or with a worker. */
    public boolean drained() {
        try (var nats = Nats.connect(natsUrl)) {
            var jsm = nats.jetStreamManagement();
            return jsm.getStreamInfo(namespace.tasksStream()).getStreamState().getMsgCount() == 0
                    && jsm.getStreamInfo(namespace.readingsStream()).getStreamState().getMsgCount() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Per tick that ended before {@code until}, from the first that began after {@code since}:
     * the pks either stored or dead-lettered, each once. Nothing vanishes: it is all of them.
     */
    public Map<Instant, Integer> accountedTicks(Instant since, Instant until) {
        String schema = "\"" + namespace.databaseSchema() + "\"";
        TreeMap<Instant, Integer> counts = query("select scheduled_at, count(distinct pk) from (select pk, scheduled_at from "
                + schema + ".readings union select pk, scheduled_at from " + schema + ".dead_letters) a group by scheduled_at",
                rs -> {
                    var byTick = new TreeMap<Instant, Integer>();
                    while (rs.next()) {
                        byTick.put(rs.getTimestamp(1).toInstant(), rs.getInt(2));
                    }
                    return byTick;
                });
        return counts.entrySet().stream()
                .filter(e -> e.getKey().isAfter(since) && e.getKey().plus(interval).isBefore(until))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** Dead letters recorded in PostgreSQL, by pk: the stages and reasons of each. */
    public Map<Integer, List<String>> deadLetters() {
        return query("select pk, stage || ': ' || reason from \"" + namespace.databaseSchema() + "\".dead_letters", rs -> {
            var byPk = new TreeMap<Integer, List<String>>();
            while (rs.next()) {
                byPk.computeIfAbsent(rs.getInt(1), pk -> new ArrayList<>()).add(rs.getString(2));
            }
            return byPk;
        });
    }

    private String table() {
        return "\"" + namespace.databaseSchema() + "\".readings";
    }

    private interface Rows<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> T query(String sql, Rows<T> rows) {
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             var statement = connection.createStatement();
             var rs = statement.executeQuery(sql)) {
            return rows.read(rs);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Awaitility with this cluster's logs attached when the wait fails; errors while polling count as "not yet". */
    public void eventually(Duration limit, String what, Callable<Boolean> condition) {
        try {
            await(what).atMost(limit).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + " did not happen within " + limit + "\n" + logs(), e);
        }
    }

    /** The last lines each process wrote, to explain a failure. */
    public String logs() {
        return roles.entrySet().stream().map(e -> {
            String[] lines = e.getValue().output().split("\n");
            return "---- " + e.getKey() + "\n" + String.join("\n",
                    List.of(lines).subList(Math.max(0, lines.length - 25), lines.length));
        }).collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        roles.values().forEach(RoleProcess::close);
        ScanIterator<String> keys = ScanIterator.scan(redis.sync(), KeyScanArgs.Builder.matches(namespace.name() + "*").limit(500));
        List<String> batch = new ArrayList<>();
        while (keys.hasNext()) {
            batch.add(keys.next());
        }
        if (!batch.isEmpty()) {
            redis.sync().unlink(batch.toArray(String[]::new));
        }
        redis.close();
        redisClient.shutdown();
        try (var nats = Nats.connect(natsUrl)) {
            var jsm = nats.jetStreamManagement();
            for (String stream : jsm.getStreamNames()) {
                // KV_ streams back key-value buckets, such as the membership's epoch floor.
                if (stream.startsWith(namespace.name() + "_") || stream.startsWith("KV_" + namespace.name() + "_")) {
                    jsm.deleteStream(stream);
                }
            }
        } catch (Exception e) {
            // best effort: a leftover stream in a unique namespace harms nobody
        }
        execute("drop schema if exists \"" + namespace.databaseSchema() + "\" cascade");
    }

    private void execute(String sql) {
        try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
             var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
