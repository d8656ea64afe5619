package io.mockstagram.pipeline.e2e;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.infra.Json;
import io.mockstagram.local.RedisServer;
import io.mockstagram.pipeline.latest.InfluencerLatest;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.latest.LatestStats;
import io.mockstagram.testing.PipelineCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * PostgreSQL is the record and Redis a view of it: Redis wiped mid-run is rebuilt without
 * being asked, with no wrong answer meanwhile, and ends equal to a computation over
 * PostgreSQL; then every role restarts with twice the interval, and latest readings keep
 * moving. On a Redis of its own, since it wipes it.
 */
@Tag("chaos")
class RecordAndViewTest {

    private static final int INFLUENCERS = 2000;
    private static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final List<String> ROLES = List.of("api", "nurse", "p1", "f1", "u1", "dashboard");
    /** Bounds for a loaded two-core machine, where six JVMs starting at once can take a minute or more. */
    private static final Duration STARTUP = Duration.ofSeconds(180);
    private static final Duration PHASE = Duration.ofSeconds(90);

    private final RedisServer redisServer;
    private final PipelineCluster cluster;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();

    RecordAndViewTest() throws Exception {
        Path dir = Files.createTempDirectory("record-and-view-");
        redisServer = RedisServer.startOnFreePort(dir);
        cluster = new PipelineCluster(INFLUENCERS, INTERVAL, redisServer.url());
        redisClient = RedisClient.create(redisServer.url());
        redis = redisClient.connect();
    }

    @AfterEach
    void stop() {
        watcher.shutdownNow();
        try {
            cluster.close();
        } finally {
            redis.close();
            redisClient.shutdown();
            redisServer.close();
        }
    }

    private void startEveryRole() {
        cluster.api();
        cluster.nurse();
        cluster.producer("p1");
        cluster.fetcher("f1");
        cluster.updater("u1");
        cluster.start("dashboard", "dashboard", PipelineCluster.JVM);
    }

    private void fullTicks(Duration limit, Instant since, int count) {
        cluster.eventually(limit, count + " more full intervals stored",
                () -> cluster.completedTicks(since, Instant.now()).values().stream()
                        .filter(n -> n == INFLUENCERS).count() >= count);
    }

    @Test
    void aWipedRedisIsRebuiltFromPostgresAndAnIntervalChangeNeverFreezesTheLatestReading() throws Exception {
        startEveryRole();
        fullTicks(STARTUP, Instant.now(), 2);

        // Every answer the dashboard gives from the wipe on is either "rebuilding" or whole.
        var wrong = new ConcurrentLinkedQueue<String>();
        watcher.scheduleWithFixedDelay(() -> cluster.get("dashboard", "/api/stats").ifPresent(body -> {
            LatestStats stats = Json.read(body, LatestStats.class);
            if (stats.influencersTracked() != INFLUENCERS) {
                wrong.add(body);
            }
        }), 0, 50, TimeUnit.MILLISECONDS);
        redis.sync().flushall();
        Instant wiped = Instant.now();
        cluster.eventually(PHASE, "the view rebuilt", () -> cluster.get("dashboard", "/api/stats").isPresent());
        fullTicks(PHASE, wiped, 1);
        stopProducersAndDrain();
        assertThat(wrong).as("partial answers while the view was rebuilt").isEmpty();
        assertTheViewEqualsPostgres();

        Map<Integer, Instant> before = latestScheduled();
        for (String role : ROLES) {
            cluster.role(role).stop(10);
        }
        cluster.changeInterval(INTERVAL.multipliedBy(2));
        Instant restarted = Instant.now();
        startEveryRole();
        fullTicks(STARTUP, restarted, 2);
        Map<Integer, Instant> after = latestScheduled();
        for (var pk : before.keySet()) {
            assertThat(after.get(pk)).as("latest reading of %d after the interval doubled", pk).isAfter(before.get(pk));
        }
        stopProducersAndDrain();
        assertTheViewEqualsPostgres();
    }

    private void stopProducersAndDrain() {
        cluster.role("p1").stop(10);
        cluster.eventually(PHASE, "the queues drain", cluster::drained);
    }

    private Map<Integer, Instant> latestScheduled() {
        LatestReadings view = cluster.latest();
        return Stream.of(1_000_000, 1_000_042, 1_001_999).collect(Collectors.toMap(pk -> pk,
                pk -> view.influencer(pk).toCompletableFuture().join().orElseThrow().scheduledAt()));
    }

    /** For every pk, latest reading, average and rank, and the global figures, against the raw rows in PostgreSQL. */
    private void assertTheViewEqualsPostgres() {
        cluster.eventually(PHASE, "the view is built", () -> cluster.get("dashboard", "/api/stats").isPresent());
        Map<Integer, List<Integer>> history = cluster.followerHistory();
        assertThat(history).hasSize(INFLUENCERS);
        int[] latest = history.values().stream().mapToInt(h -> h.get(h.size() - 1)).sorted().toArray();
        LatestReadings view = cluster.latest();
        for (var entry : history.entrySet()) {
            List<Integer> own = entry.getValue();
            int mine = own.get(own.size() - 1);
            Optional<InfluencerLatest> shown = view.influencer(entry.getKey()).toCompletableFuture().join();
            InfluencerLatest answer = shown.orElseThrow();
            assertThat(answer.followerCount()).as("latest of %d", entry.getKey()).isEqualTo(mine);
            assertThat(answer.readings()).as("readings of %d", entry.getKey()).isEqualTo(own.size());
            assertThat(answer.averageFollowerCount()).as("average of %d", entry.getKey())
                    .isCloseTo(own.stream().mapToInt(Integer::intValue).average().orElseThrow(), within(1e-6));
            long higher = Arrays.stream(latest).filter(count -> count > mine).count();
            assertThat(answer.rank()).as("rank of %d", entry.getKey()).isEqualTo(1 + higher);
        }
        LatestStats stats = Json.read(cluster.get("dashboard", "/api/stats").orElseThrow(), LatestStats.class);
        assertThat(stats.influencersTracked()).isEqualTo(INFLUENCERS);
        assertThat(stats.averageFollowerCount())
                .isCloseTo(Arrays.stream(latest).average().orElseThrow(), within(1e-6));
    }
}
