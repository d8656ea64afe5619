package io.mockstagram.bench.soak;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Injects faults chosen by a seeded random generator, from a shuffled deck of every kind, so
 * that each kind comes up before any comes up twice, and a seed repeats the same sequence of
 * kinds and targets.
 */
final class FaultInjector implements AutoCloseable {

    /** Longer than the producers' lease (3 s), so that the paused one is evicted meanwhile. */
    private static final Duration PAUSE = Duration.ofSeconds(5);

    private final SoakCluster cluster;
    private final SoakHttp http;
    private final Random random;
    private final List<FaultKind> deck = new ArrayList<>();
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;

    FaultInjector(SoakCluster cluster, SoakHttp http, long seed) {
        this.cluster = cluster;
        this.http = http;
        this.random = new Random(seed);
        this.redisClient = RedisClient.create(cluster.redis().url());
        this.redis = redisClient.connect();
        redis.setTimeout(Duration.ofSeconds(5));
    }

    FaultKind next() {
        if (deck.isEmpty()) {
            deck.addAll(Arrays.asList(FaultKind.values()));
            Collections.shuffle(deck, random);
        }
        return deck.remove(deck.size() - 1);
    }

    /** A gap between {@code min} and {@code max}, from the same generator. */
    Duration gap(Duration min, Duration max) {
        long spread = max.toMillis() - min.toMillis();
        return min.plusMillis(spread <= 0 ? 0 : (long) (random.nextDouble() * spread));
    }

    Fault inject(FaultKind kind) {
        long start = System.currentTimeMillis();
        String target = switch (kind) {
            case PRODUCER_KILL -> {
                RoleSlot producer = anyProducer();
                producer.kill();
                yield producer.name();
            }
            case PRODUCER_PAUSE -> {
                RoleSlot producer = anyProducer();
                producer.pause();
                hold(PAUSE);
                producer.resume();
                yield producer.name();
            }
            case PRODUCER_RESTART -> {
                RoleSlot producer = anyProducer();
                producer.stop();
                producer.start();
                yield producer.name();
            }
            case NURSE_KILL -> {
                RoleSlot nurse = actingNurse();
                nurse.kill();
                nurse.start();
                yield nurse.name();
            }
            case FETCHER_KILL -> killAndRestart(pick(cluster.fetchers()));
            case UPDATER_KILL -> killAndRestart(pick(cluster.updaters()));
            case REDIS_RESTART -> {
                cluster.redis().kill();
                cluster.redis().start();
                yield "redis";
            }
            case REDIS_FLUSHALL -> {
                redis.sync().flushall();
                yield "redis";
            }
            case NATS_RESTART -> {
                cluster.nats().stop();
                cluster.nats().start();
                yield "nats";
            }
            case POSTGRES_RESTART -> {
                cluster.postgres().stop();
                cluster.postgres().start();
                yield "postgres";
            }
        };
        return new Fault(kind, target, start, System.currentTimeMillis());
    }

    /** Starts again every producer a kill left dead, as a supervisor would. */
    void restartDeadProducers() {
        cluster.producers().forEach(RoleSlot::start);
    }

    private String killAndRestart(RoleSlot slot) {
        slot.kill();
        slot.start();
        return slot.name();
    }

    private RoleSlot anyProducer() {
        return pick(cluster.producers());
    }

    private RoleSlot pick(List<RoleSlot> slots) {
        return slots.get(random.nextInt(slots.size()));
    }

    /** The nurse that says it acts; the first one if none answers so. */
    private RoleSlot actingNurse() {
        for (RoleSlot nurse : cluster.nurses()) {
            SoakHttp.Answer status = http.get(nurse.port(), "/status", Duration.ofSeconds(1));
            if (status.ok() && status.body().contains("\"leader\":true")) {
                return nurse;
            }
        }
        return cluster.nurses().get(0);
    }

    private static void hold(Duration pause) {
        try {
            // Deliberate: the producer must stay stopped past its lease.
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        redis.close();
        redisClient.shutdown();
    }
}
