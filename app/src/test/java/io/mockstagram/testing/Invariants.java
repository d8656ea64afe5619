package io.mockstagram.testing;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mockstagram.infra.Json;
import io.mockstagram.membership.MembershipKeys;
import io.mockstagram.producer.ProducerStatus;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks the membership's promises continuously while a test does its damage: a sampler
 * sweeps every producer's /status and reads the Redis map in one MULTI/EXEC about every
 * 50 ms, and records each broken promise as it sees it:
 *
 * <ul>
 *   <li>two producers ACTIVE on one number at the same time, whatever their epochs. A status
 *       that says ACTIVE on n since {@code assignedAt} a, answering a request sent at s,
 *       proves its producer held n throughout [a, s]; two such intervals of different
 *       producers on one number must not overlap. Sampling cannot invent an overlap.</li>
 *   <li>a map whose numbers are not exactly 1..TOTAL;</li>
 *   <li>the Redis epoch below one read before (an empty Redis has none and is skipped), or a
 *       producer ACTIVE at an epoch below one it was ACTIVE at before.</li>
 * </ul>
 *
 * {@link #assertHeld()} at the end fails with every violation seen.
 */
public final class Invariants implements AutoCloseable {

    /** A producer to ask: its member name and HTTP port. */
    public record Target(String name, int port) {
    }

    private record Holding(String name, int number, Instant from, Instant until) {
        boolean overlaps(Holding other) {
            return from.isBefore(other.until) && other.from.isBefore(until);
        }
    }

    private static final Duration PERIOD = Duration.ofMillis(40);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    private final Supplier<Collection<Target>> targets;
    private final MembershipKeys keys;
    private final Supplier<String> context;
    private final RedisClient redisClient;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "invariants-http");
                thread.setDaemon(true);
                return thread;
            }))
            .connectTimeout(Duration.ofMillis(500))
            .build();
    private final Set<String> skipped = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;

    // Written by the sampler, read under this object's lock.
    private final Map<String, Holding> holdings = new HashMap<>();
    private final Map<String, Long> activeEpochs = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private StatefulRedisConnection<String, String> redis;
    private long highestRedisEpoch;
    private int statusSamples;
    private int mapSamples;

    public Invariants(Supplier<Collection<Target>> targets, String redisUrl, MembershipKeys keys, Supplier<String> context) {
        this.targets = targets;
        this.keys = keys;
        this.context = context;
        this.redisClient = RedisClient.create(redisUrl);
        redisClient.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build())
                .timeoutOptions(TimeoutOptions.enabled(REQUEST_TIMEOUT))
                .build());
        this.sampler = new Thread(this::run, "invariants");
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    /** Watches every producer the cluster currently expects, and its Redis. */
    public static Invariants watch(LocalCluster cluster) {
        return new Invariants(() -> cluster.producers().values().stream().map(r -> new Target(r.name(), r.port())).toList(),
                cluster.redisServer().url(), cluster.namespace().membershipKeys(), cluster::logs);
    }

    /** Watches every producer the pipeline has started, and its Redis. */
    public static Invariants watch(PipelineCluster cluster) {
        return new Invariants(() -> cluster.producerPorts().entrySet().stream().map(e -> new Target(e.getKey(), e.getValue()))
                .toList(), cluster.redisUrl(), cluster.namespace().membershipKeys(), cluster::logs);
    }

    /** Stops asking a producer (a paused one would only hold the sweep up). */
    public void skip(String name) {
        skipped.add(name);
    }

    public void include(String name) {
        skipped.remove(name);
    }

    /** Asks every producer at once, so that one sweep is close to one instant. */
    private void run() {
        while (running.get()) {
            List<CompletableFuture<Void>> sweep = new ArrayList<>();
            for (Target target : List.copyOf(targets.get())) {
                if (!skipped.contains(target.name())) {
                    Instant sent = Instant.now();
                    sweep.add(status(target).thenAccept(status -> status.ifPresent(s -> recordStatus(s, sent))));
                }
            }
            readMap();
            CompletableFuture.allOf(sweep.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
            LockSupport.parkNanos(PERIOD.toNanos());
        }
    }

    private CompletableFuture<Optional<ProducerStatus>> status(Target target) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + "/status"))
                                .timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> response.statusCode() == 200
                        ? Optional.of(Json.read(response.body(), ProducerStatus.class)) : Optional.<ProducerStatus>empty())
                .exceptionally(failure -> Optional.empty());
    }

    private synchronized void recordStatus(ProducerStatus status, Instant sent) {
        statusSamples++;
        if (!"ACTIVE".equals(status.state())) {
            return;
        }
        Long before = activeEpochs.put(status.serverName(), status.epoch());
        if (before != null && status.epoch() < before) {
            violation(status.serverName() + " ACTIVE at epoch " + status.epoch() + " after ACTIVE at epoch " + before);
            activeEpochs.put(status.serverName(), before);
        }
        String key = status.serverName() + "@" + status.assignedAt() + "#" + status.serverNumber();
        holdings.put(key, new Holding(status.serverName(), status.serverNumber(), status.assignedAt(), sent));
    }

    @SuppressWarnings("unchecked")
    private void readMap() {
        try {
            if (redis == null) {
                redis = redisClient.connect();
            }
            RedisCommands<String, String> sync = redis.sync();
            sync.multi();
            sync.hgetall(keys.members());
            sync.get(keys.total());
            sync.get(keys.epoch());
            TransactionResult result = sync.exec();
            recordMap((Map<String, String>) result.get(0), result.get(1), result.get(2));
        } catch (RuntimeException e) {
            // Redis is down or restarting: nothing to read. Start afresh next time.
            if (redis != null) {
                redis.closeAsync();
                redis = null;
            }
        }
    }

    private synchronized void recordMap(Map<String, String> numbers, String total, String epoch) {
        mapSamples++;
        int storedTotal = total == null ? 0 : Integer.parseInt(total);
        List<Integer> held = numbers.values().stream().map(Integer::parseInt).sorted().toList();
        if (storedTotal != numbers.size() || !held.equals(IntStream.rangeClosed(1, storedTotal).boxed().toList())) {
            violation("map not exactly 1..TOTAL: TOTAL " + total + ", " + new java.util.TreeMap<>(numbers));
        }
        if (epoch != null) {
            long e = Long.parseLong(epoch);
            if (e < highestRedisEpoch) {
                violation("Redis epoch went back from " + highestRedisEpoch + " to " + e);
            }
            highestRedisEpoch = Math.max(highestRedisEpoch, e);
        }
    }

    private void violation(String what) {
        violations.add(Instant.now() + " " + what);
    }

    /** How many /status answers the sampler has recorded. */
    public synchronized int statusSamples() {
        return statusSamples;
    }

    /** How many times the sampler has read the map. */
    public synchronized int mapSamples() {
        return mapSamples;
    }

    public synchronized long highestRedisEpoch() {
        return highestRedisEpoch;
    }

    /** Every violation seen so far, overlapping holdings included. */
    public synchronized List<String> violations() {
        List<String> all = new ArrayList<>(violations);
        List<Holding> list = List.copyOf(holdings.values());
        for (int i = 0; i < list.size(); i++) {
            for (int j = i + 1; j < list.size(); j++) {
                Holding a = list.get(i);
                Holding b = list.get(j);
                if (a.number() == b.number() && !a.name().equals(b.name()) && a.overlaps(b)) {
                    all.add("two producers ACTIVE on number " + a.number() + " at once: " + a + " and " + b);
                }
            }
        }
        return all;
    }

    public void assertHeld() {
        assertThat(statusSamples()).as("the sampler saw producers answer").isPositive();
        assertThat(mapSamples()).as("the sampler read the map").isPositive();
        List<String> seen = violations();
        assertThat(seen).as(() -> "membership invariants broken:\n" + String.join("\n", seen) + "\n" + context.get())
                .isEmpty();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        sampler.join(5000);
        if (redis != null) {
            redis.close();
        }
        redisClient.shutdown();
    }

    @Override
    public String toString() {
        return violations().stream().collect(Collectors.joining("\n", "Invariants[", "]"));
    }
}
