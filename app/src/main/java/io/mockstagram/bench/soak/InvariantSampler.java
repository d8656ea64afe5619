package io.mockstagram.bench.soak;

import io.lettuce.core.RedisClient;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mockstagram.config.Namespace;
import io.mockstagram.infra.Json;
import io.mockstagram.producer.ProducerStatus;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples, all through the run, the invariants that must hold at every instant: every live
 * producer's {@code /status} (no number ACTIVE on two producers at once, the highest epoch never
 * going down) about every 75 ms, and the Redis map (exactly 1..TOTAL, read in one MULTI/EXEC)
 * about every 100 ms while Redis is up and the map exists.
 */
final class InvariantSampler implements AutoCloseable {

    private static final Duration STATUS_PERIOD = Duration.ofMillis(75);
    private static final Duration DENSITY_PERIOD = Duration.ofMillis(100);
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(400);

    /** A status and when it was asked for: the state it reports held from its assignedAt until at least then. */
    private record Sampled(ProducerStatus status, Instant sent) {
    }

    private final SoakCluster cluster;
    private final SoakHttp http;
    private final Namespace namespace;
    private final Violations violations;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final RedisClient redisClient;
    private long highestEpoch;
    private long statusSamples;
    private long doubleActiveSamples;
    private long epochRegressions;
    private long densitySamples;
    private long densityViolations;

    InvariantSampler(SoakCluster cluster, SoakHttp http, Namespace namespace, Violations violations) {
        this.cluster = cluster;
        this.http = http;
        this.namespace = namespace;
        this.violations = violations;
        this.redisClient = RedisClient.create(cluster.redis().url());
    }

    void start() {
        threads.add(daemon("soak-status", this::sampleStatuses));
        threads.add(daemon("soak-density", this::sampleDensity));
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void sampleStatuses() {
        while (running.get()) {
            List<RoleSlot> live = cluster.producers().stream().filter(RoleSlot::isLive).toList();
            List<Future<SoakHttp.Answer>> asked = new ArrayList<>();
            Instant sent = Instant.now();
            for (RoleSlot producer : live) {
                asked.add(http.getAsync(producer.port(), "/status", STATUS_TIMEOUT));
            }
            List<Sampled> answers = new ArrayList<>();
            for (Future<SoakHttp.Answer> answer : asked) {
                try {
                    SoakHttp.Answer a = answer.toCompletionStage().toCompletableFuture()
                            .get(STATUS_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
                    if (a.ok()) {
                        answers.add(new Sampled(Json.read(a.body(), ProducerStatus.class), sent));
                    }
                } catch (Exception e) {
                    // a producer that does not answer says nothing about the invariants
                }
            }
            // Only a round in which every live producer answered can tell that the highest epoch fell.
            judge(answers, answers.size() == live.size() && !live.isEmpty());
            LockSupport.parkNanos(STATUS_PERIOD.toNanos());
        }
    }

    private synchronized void judge(List<Sampled> answers, boolean complete) {
        statusSamples++;
        boolean doubled = false;
        for (int i = 0; i < answers.size() && !doubled; i++) {
            for (int j = i + 1; j < answers.size() && !doubled; j++) {
                if (bothActiveOnOneNumber(answers.get(i), answers.get(j))) {
                    doubled = true;
                    violations.note("double-active", answers.get(i).status() + " and " + answers.get(j).status());
                }
            }
        }
        if (doubled) {
            doubleActiveSamples++;
        }
        long top = answers.stream().mapToLong(a -> a.status().epoch()).max().orElse(-1);
        if (complete && top >= 0) {
            if (top < highestEpoch) {
                epochRegressions++;
                violations.note("epoch-regression", "highest epoch reported fell from " + highestEpoch + " to " + top);
            }
            highestEpoch = Math.max(highestEpoch, top);
        }
    }

    /**
     * Both ACTIVE on one number at one instant: each held it from its assignedAt until it was
     * asked, so they overlapped if the later start comes before the earlier ask.
     */
    private static boolean bothActiveOnOneNumber(Sampled a, Sampled b) {
        ProducerStatus x = a.status();
        ProducerStatus y = b.status();
        if (!"ACTIVE".equals(x.state()) || !"ACTIVE".equals(y.state()) || x.serverNumber() == null
                || !x.serverNumber().equals(y.serverNumber()) || x.serverName().equals(y.serverName())) {
            return false;
        }
        Instant laterStart = x.assignedAt().isAfter(y.assignedAt()) ? x.assignedAt() : y.assignedAt();
        Instant earlierAsk = a.sent().isBefore(b.sent()) ? a.sent() : b.sent();
        return laterStart.isBefore(earlierAsk);
    }

    private void sampleDensity() {
        StatefulRedisConnection<String, String> connection = null;
        while (running.get()) {
            try {
                if (connection == null || !connection.isOpen()) {
                    connection = redisClient.connect();
                    connection.setTimeout(Duration.ofSeconds(1));
                }
                checkDensity(connection.sync());
            } catch (RuntimeException e) {
                // Redis is down or restarting: nothing to check. A fresh connection starts clean of any MULTI.
                if (connection != null) {
                    connection.closeAsync();
                    connection = null;
                }
            }
            LockSupport.parkNanos(DENSITY_PERIOD.toNanos());
        }
        if (connection != null) {
            connection.close();
        }
    }

    private void checkDensity(RedisCommands<String, String> redis) {
        String hash = namespace.membershipKeys().members();
        String totalKey = namespace.membershipKeys().total();
        redis.multi();
        redis.hgetall(hash);
        redis.get(totalKey);
        TransactionResult result = redis.exec();
        if (result.wasDiscarded() || result.size() != 2) {
            return;
        }
        Map<String, String> map = result.get(0);
        String totalText = result.get(1);
        if (map.isEmpty() && totalText == null) {
            return;
        }
        int total = totalText == null ? -1 : Integer.parseInt(totalText);
        Set<Integer> numbers = new TreeSet<>();
        boolean duplicate = false;
        for (String value : map.values()) {
            duplicate |= !numbers.add(Integer.parseInt(value));
        }
        Set<Integer> expected = new HashSet<>();
        for (int i = 1; i <= total; i++) {
            expected.add(i);
        }
        boolean dense = !duplicate && map.size() == total && numbers.equals(expected);
        synchronized (this) {
            densitySamples++;
            if (!dense) {
                densityViolations++;
                violations.note("density", "TOTAL " + totalText + ", map " + map);
            }
        }
    }

    synchronized long statusSamples() {
        return statusSamples;
    }

    synchronized long doubleActiveSamples() {
        return doubleActiveSamples;
    }

    synchronized long epochRegressions() {
        return epochRegressions;
    }

    synchronized long densitySamples() {
        return densitySamples;
    }

    synchronized long densityViolations() {
        return densityViolations;
    }

    synchronized long violationCount() {
        return doubleActiveSamples + epochRegressions + densityViolations;
    }

    @Override
    public void close() throws InterruptedException {
        if (!running.getAndSet(false)) {
            return;
        }
        for (Thread thread : threads) {
            thread.join(5000);
        }
        redisClient.shutdown();
    }
}
