package io.mockstagram.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.bench.ClusterProbe;
import io.mockstagram.bench.Percentiles;
import io.mockstagram.bench.Scrape;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.config.Namespace;
import io.mockstagram.infra.Json;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.pipeline.Tick;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Membership while the whole pipeline runs at full load on the same machine: the soak's cluster
 * (mock API recording what it serves, fetchers, updaters, PostgreSQL, four producers, a nurse)
 * polls every pk each interval while producers are killed (-9) at spaced-out moments and started
 * again. It times each crash until the survivors agree with Redis, and counts what a lease too
 * short for the load would cause: producers evicted or fenced although they were running.
 */
public final class MembershipUnderLoad {

    /**
     * @param lease     the producers' lease, as the roles will resolve it from {@code roleEnv}
     * @param heartbeat their renewal period, likewise
     * @param roleEnv   the lease settings every role gets
     */
    public record Options(int influencers, Duration interval, Duration duration, int kills, Duration lease,
                          Duration heartbeat, Map<String, String> roleEnv, long seed, Path workDir) {

        public Options {
            if (kills < 1) {
                throw new IllegalArgumentException("--kills must be at least 1");
            }
            if (influencers < 1) {
                throw new IllegalArgumentException("--influencers must be at least 1");
            }
        }

        /** Lease settings from a profile, overridden by explicit ones (null when not given). */
        public static Map<String, String> roleEnv(LeaseProfile profile, Long leaseMs, Long heartbeatMs) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put(LeaseProfile.VARIABLE, profile.name());
            if (leaseMs != null) {
                env.put("MOCKSTAGRAM_LEASE_MS", leaseMs.toString());
            }
            if (heartbeatMs != null) {
                env.put("MOCKSTAGRAM_HEARTBEAT_MS", heartbeatMs.toString());
            }
            return env;
        }
    }

    private static final Namespace NAMESPACE = SoakCluster.NAMESPACE;
    private static final int PRODUCERS = 4;
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(5);
    private static final Duration CONVERGE_LIMIT = Duration.ofSeconds(30);
    private static final Duration REJOIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration WATCH_EVERY = Duration.ofSeconds(1);
    private static final String RENEWAL = "mockstagram_membership_renewal_seconds";
    private static final String FENCED = "mockstagram_membership_fenced_total";

    private final Options options;
    private final Consumer<String> progress;
    private final Random random;
    /** Per producer name: crashes the bench caused whose eviction has not been seen yet. */
    private final Map<String, Integer> expectedEvictions = new HashMap<>();
    private final List<TreeMap<Double, Double>> renewalBuckets = new ArrayList<>();
    private final List<Double> crashConvergeMs = new ArrayList<>();
    private final List<String> falseEvictionExamples = new ArrayList<>();
    /** Per producer process: its renewals and fences before departures began, while the whole cluster started. */
    private final Map<Long, Scraped> atStart = new HashMap<>();
    private String lastChangeId;
    private boolean measuring;
    private long startupEvictions;
    private long evictedWhileRunning;
    private long expectedEvictionsSeen;
    private double fencedWhileRunning;

    public MembershipUnderLoad(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
        this.random = new Random(options.seed());
    }

    /** Runs the cluster, the crashes and the audits; returns the figures, in the order printed. */
    public Map<String, Object> run() throws Exception {
        Duration gap = options.duration().dividedBy(options.kills() + 1);
        var soak = new SoakOptions(options.duration(), options.seed(), options.influencers(), options.interval(), PRODUCERS,
                1, 1, 1, gap, gap, options.duration(), options.workDir());
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try (SoakCluster cluster = SoakCluster.start(soak, options.roleEnv());
             SoakHttp http = new SoakHttp()) {
            RedisClient redisClient = RedisClient.create(cluster.redis().url());
            try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
                var store = new RedisMembershipStore(redis.async(), NAMESPACE.membershipKeys());
                var probe = new ClusterProbe(WebClient.create(vertx), store);
                var database = new SoakDatabase(cluster.postgres().url(), NAMESPACE);
                progress.accept("cluster started; logs in " + cluster.logs() + "; waiting for a fully stored interval");
                long partialTick = awaitWarm(database);
                require(probe.awaitConverged(ports(cluster), Instant.now(), REJOIN_LIMIT).isPresent(),
                        "the producers never agreed with Redis");
                watchChanges(store);
                // What happened while nine JVMs started at once on the same cores is reported apart.
                cluster.producers().forEach(producer -> read(http, producer).ifPresent(s -> atStart.put(producer.pid(), s)));
                measuring = true;
                progress.accept("the producers agree with Redis; departures begin");

                long startMs = System.currentTimeMillis();
                for (int kill = 1; kill <= options.kills(); kill++) {
                    awaitWatching(store, startMs + kill * gap.toMillis());
                    crash(cluster, http, probe, kill);
                }
                awaitWatching(store, startMs + options.duration().toMillis());
                cluster.producers().forEach(producer -> scrape(http, producer));
                watchChanges(store);

                long lastTick = Tick.at(Instant.now(), options.interval()).index() - 1;
                progress.accept("departures over; waiting for the last whole interval to be stored");
                awaitStored(database, lastTick);
                return figures(cluster, http, database, partialTick + 1, lastTick);
            } finally {
                redisClient.shutdown();
            }
        } finally {
            vertx.close();
        }
    }

    /**
     * Waits for one wholly stored interval; a machine too busy for the pipeline to keep up
     * never stores one, and membership is measured all the same (the audit shows the shortfall).
     */
    private long awaitWarm(SoakDatabase database) throws InterruptedException {
        try {
            return StoredReadings.awaitWhollyStored(database, options.influencers(), options.interval(), WARM_UP_LIMIT);
        } catch (IllegalStateException notKeepingUp) {
            progress.accept("no interval was wholly stored within " + WARM_UP_LIMIT.toMinutes()
                    + " minutes: the pipeline does not keep up on this machine; measuring membership anyway");
            return Tick.at(Instant.now(), options.interval()).index();
        }
    }

    /** Kills a random producer at a random phase of the heartbeats, times until the rest agree, starts it again. */
    private void crash(SoakCluster cluster, SoakHttp http, ClusterProbe probe, int kill) throws InterruptedException {
        List<RoleSlot> producers = cluster.producers();
        RoleSlot victim = producers.get(random.nextInt(producers.size()));
        Map<String, Integer> survivors = ports(cluster);
        survivors.remove(victim.name());
        Thread.sleep(random.nextInt((int) options.heartbeat().toMillis()));
        // Its fences and renewals so far count: it was running until now.
        scrape(http, victim);
        expectedEvictions.merge(victim.name(), 1, Integer::sum);
        Instant start = Instant.now();
        victim.kill();
        Duration took = probe.awaitConverged(survivors, start, CONVERGE_LIMIT).orElseThrow(() ->
                new IllegalStateException("survivors did not agree within " + CONVERGE_LIMIT + " of killing " + victim.name()));
        crashConvergeMs.add(took.toNanos() / 1e6);
        victim.start();
        require(probe.awaitConverged(ports(cluster), Instant.now(), REJOIN_LIMIT).isPresent(),
                victim.name() + " did not join again");
        progress.accept(String.format("kill %d/%d: %s, survivors agreed in %.0f ms; false evictions so far %d",
                kill, options.kills(), victim.name(), took.toNanos() / 1e6, evictedWhileRunning));
    }

    private static Map<String, Integer> ports(SoakCluster cluster) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        cluster.producers().forEach(producer -> ports.put(producer.name(), producer.port()));
        return ports;
    }

    private record Scraped(TreeMap<Double, Double> renewals, double fenced) {
    }

    /** Adds one producer process's renewals and fences since departures began, read just before it ends. */
    private void scrape(SoakHttp http, RoleSlot producer) {
        long pid = producer.pid();
        Optional<Scraped> scraped = read(http, producer);
        if (scraped.isEmpty()) {
            progress.accept("could not read the metrics of " + producer.name() + "; its renewals go uncounted");
            return;
        }
        Scraped before = atStart.getOrDefault(pid, new Scraped(new TreeMap<>(), 0));
        renewalBuckets.add(Scrape.minus(scraped.get().renewals(), before.renewals()));
        fencedWhileRunning += scraped.get().fenced() - before.fenced();
    }

    private static Optional<Scraped> read(SoakHttp http, RoleSlot producer) {
        SoakHttp.Answer metrics = http.get(producer.port(), "/metrics", Duration.ofSeconds(2));
        return metrics.ok()
                ? Optional.of(new Scraped(Scrape.buckets(metrics.body(), RENEWAL), Scrape.sum(metrics.body(), FENCED)))
                : Optional.empty();
    }

    /** Reads the changelog until {@code untilMs}, every {@link #WATCH_EVERY}. */
    private void awaitWatching(RedisMembershipStore store, long untilMs) throws InterruptedException {
        while (System.currentTimeMillis() < untilMs) {
            watchChanges(store);
            Thread.sleep(Math.max(1, Math.min(WATCH_EVERY.toMillis(), untilMs - System.currentTimeMillis())));
        }
    }

    /** Every eviction the bench did not cause by a kill is a false one. */
    private void watchChanges(RedisMembershipStore store) {
        List<MembershipChange> changes;
        try {
            changes = store.changesAfter(lastChangeId, 1000).toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return; // read again next time
        }
        for (MembershipChange change : changes) {
            lastChangeId = change.id();
            if (change.kind() != MembershipChange.Kind.EVICTED) {
                continue;
            }
            int expected = expectedEvictions.getOrDefault(change.name(), 0);
            if (!measuring) {
                startupEvictions++;
                progress.accept("evicted while the cluster started: " + change.name() + " (epoch " + change.epoch() + ")");
            } else if (expected > 0) {
                expectedEvictions.put(change.name(), expected - 1);
                expectedEvictionsSeen++;
            } else {
                evictedWhileRunning++;
                if (falseEvictionExamples.size() < 10) {
                    falseEvictionExamples.add(change.name() + " at epoch " + change.epoch());
                }
                progress.accept("FALSE EVICTION: " + change.name() + " was evicted while running (epoch "
                        + change.epoch() + ")");
            }
        }
    }

    private void awaitStored(SoakDatabase database, long tick) throws InterruptedException {
        long deadline = System.currentTimeMillis() + options.interval().toMillis() + 30_000;
        long scheduledAtMs = tick * options.interval().toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                if (StoredReadings.count(database, scheduledAtMs) >= options.influencers()) {
                    return;
                }
            } catch (Exception e) {
                // PostgreSQL busy; ask again
            }
            Thread.sleep(500);
        }
    }

    private Map<String, Object> figures(SoakCluster cluster, SoakHttp http, SoakDatabase database, long firstTick,
                                        long lastTick) throws Exception {
        long ms = options.interval().toMillis();
        Map<Long, Long> stored = StoredReadings.countsSince(database, firstTick * ms);
        SoakHttp.Answer answer = http.get(cluster.apiPort(), "/api/v1/served?since=" + firstTick * ms, Duration.ofSeconds(30));
        require(answer.ok(), "the API did not say what it served: " + answer.status() + " " + answer.body());
        Map<Long, long[]> served = new HashMap<>();
        for (JsonNode time : Json.mapper().readTree(answer.body()).path("served")) {
            served.put(time.path("scheduledAtMs").asLong(),
                    new long[] {time.path("count").asLong(), time.path("duplicates").asLong()});
        }
        long rows = 0;
        long duplicates = 0;
        int uncovered = 0;
        int intervals = 0;
        for (long tick = firstTick; tick <= lastTick; tick++) {
            long scheduledAtMs = tick * ms;
            long storedCount = stored.getOrDefault(scheduledAtMs, 0L);
            long[] servedCounts = served.getOrDefault(scheduledAtMs, new long[2]);
            intervals++;
            rows += storedCount;
            duplicates += servedCounts[1];
            if (storedCount < options.influencers() || servedCounts[0] < options.influencers()) {
                uncovered++;
                progress.accept(String.format("interval %s not covered: %,d stored, %,d served of %,d",
                        Instant.ofEpochMilli(scheduledAtMs), storedCount, servedCounts[0], options.influencers()));
            }
        }
        TreeMap<Double, Double> renewals = Scrape.add(renewalBuckets);
        Percentiles crashes = Percentiles.of(crashConvergeMs);

        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("leaseMs", options.lease().toMillis());
        figures.put("heartbeatMs", options.heartbeat().toMillis());
        figures.put("influencers", options.influencers());
        figures.put("intervalMs", ms);
        figures.put("durationS", options.duration().toSeconds());
        figures.put("kills", crashConvergeMs.size());
        figures.put("crashConvergeP50Ms", round(crashes.p50()));
        figures.put("crashConvergeP99Ms", round(crashes.p99()));
        figures.put("crashConvergeMaxMs", round(crashes.at(100)));
        figures.put("falseEvictions", evictedWhileRunning + Math.round(fencedWhileRunning));
        figures.put("evictedWhileRunning", evictedWhileRunning);
        figures.put("fencedWhileRunning", Math.round(fencedWhileRunning));
        figures.put("expectedEvictionsSeen", expectedEvictionsSeen);
        figures.put("startupEvictions", startupEvictions);
        figures.put("renewals", Math.round(renewals.isEmpty() ? 0 : renewals.lastEntry().getValue()));
        figures.put("renewalP50Ms", round(1000 * Scrape.quantile(renewals, 0.5)));
        figures.put("renewalP99Ms", round(1000 * Scrape.quantile(renewals, 0.99)));
        figures.put("renewalP999Ms", round(1000 * Scrape.quantile(renewals, 0.999)));
        figures.put("intervalsAudited", intervals);
        figures.put("duplicateFetchFraction", rows == 0 ? 0.0 : Math.round(10_000.0 * duplicates / rows) / 10_000.0);
        figures.put("uncoveredIntervals", uncovered);
        figures.put("falseEvictionExamples", falseEvictionExamples);
        return figures;
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 10) / 10.0 : value;
    }

    private static void require(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }
}
