package io.mockstagram.pipeline.latest;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.config.Namespace;
import io.mockstagram.pipeline.ReadingBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A load loop run by hand, not a test: pushes whole ticks of reading batches into a Redis
 * and prints readings/s and the Redis server's CPU per run, then the medians.
 *
 * <pre>
 * mvn -q -o -pl app test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp app/target/test-classes:app/target/classes:$(cat /tmp/cp.txt) \
 *     io.mockstagram.pipeline.latest.LatestReadingsLoad influencers=1000000 runs=3 rate=0
 * </pre>
 *
 * {@code rate=0} runs flat out; {@code rate=16667} paces batches to the target rate, which
 * shows what the target costs Redis rather than what saturates it.
 */
public final class LatestReadingsLoad {

    private record Options(String redisUrl, int influencers, int batchSize, int inFlight, int runs, double rate) {

        static Options parse(String[] args) {
            Map<String, String> given = Arrays.stream(args).map(arg -> arg.split("=", 2))
                    .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
            return new Options(
                    given.getOrDefault("redis", System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379")),
                    Integer.parseInt(given.getOrDefault("influencers", "1000000")),
                    Integer.parseInt(given.getOrDefault("batch", "1000")),
                    Integer.parseInt(given.getOrDefault("inFlight", "4")),
                    Integer.parseInt(given.getOrDefault("runs", "3")),
                    Double.parseDouble(given.getOrDefault("rate", "0")));
        }
    }

    private record Run(double readingsPerSecond, double redisCores) {
    }

    private final Options options;
    private final SplittableRandom random = new SplittableRandom(42);
    private final int[] followers;
    private final int[] following;

    private LatestReadingsLoad(Options options) {
        this.options = options;
        this.followers = new int[options.influencers()];
        this.following = new int[options.influencers()];
        for (int i = 0; i < options.influencers(); i++) {
            followers[i] = (int) Math.max(100_000 * (1 + random.nextGaussian()), 5000);
            following[i] = (int) Math.max(1000 * (1 + random.nextGaussian()), 50);
        }
    }

    public static void main(String[] args) {
        new LatestReadingsLoad(Options.parse(args)).run();
    }

    private void run() {
        RedisClient client = RedisClient.create(options.redisUrl());
        Namespace namespace = new Namespace("load-" + UUID.randomUUID().toString().substring(0, 8));
        try (StatefulRedisConnection<String, String> connection = client.connect();
             StatefulRedisConnection<String, String> probe = client.connect()) {
            var latest = new LatestReadings(connection.async(), namespace);
            latest.preload().toCompletableFuture().join();
            try {
                long tick = 29_000_000;
                push(latest, probe, tick, 0);
                System.out.printf("seeded %d influencers%n", options.influencers());
                List<Run> runs = new ArrayList<>();
                for (int r = 1; r <= options.runs(); r++) {
                    Run run = push(latest, probe, tick + r, options.rate());
                    runs.add(run);
                    System.out.printf("run %d: %.0f readings/s, Redis %.2f cores%n", r, run.readingsPerSecond(),
                            run.redisCores());
                }
                System.out.printf("median: %.0f readings/s, Redis %.2f cores; %s%n",
                        median(runs.stream().mapToDouble(Run::readingsPerSecond).toArray()),
                        median(runs.stream().mapToDouble(Run::redisCores).toArray()),
                        latest.stats().toCompletableFuture().join());
            } finally {
                probe.sync().unlink(latest.keys().all().toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }

    /** One full tick: every influencer once, in batches, at most {@code inFlight} batches at a time. */
    private Run push(LatestReadings latest, StatefulRedisConnection<String, String> probe, long tick, double rate) {
        List<ReadingBatch> batches = batches(tick);
        var permits = new Semaphore(options.inFlight());
        double cpuBefore = redisCpuSeconds(probe);
        long start = System.nanoTime();
        for (int i = 0; i < batches.size(); i++) {
            if (rate > 0) {
                long due = start + (long) (i * options.batchSize() * 1e9 / rate);
                LockSupport.parkNanos(due - System.nanoTime());
            }
            permits.acquireUninterruptibly();
            latest.apply(batches.get(i)).whenComplete((outcome, failure) -> {
                permits.release();
                if (failure != null) {
                    failure.printStackTrace();
                }
            });
        }
        permits.acquireUninterruptibly(options.inFlight());
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = redisCpuSeconds(probe) - cpuBefore;
        return new Run(options.influencers() / seconds, cpu / seconds);
    }

    private List<ReadingBatch> batches(long tick) {
        List<ReadingBatch> batches = new ArrayList<>();
        long fetchedAt = tick * 60_000;
        for (int first = 0; first < options.influencers(); first += options.batchSize()) {
            int n = Math.min(options.batchSize(), options.influencers() - first);
            int[] pks = new int[n];
            int[] f = new int[n];
            int[] g = new int[n];
            long[] at = new long[n];
            for (int j = 0; j < n; j++) {
                int i = first + j;
                followers[i] = (int) Math.max(followers[i] + 10_000 * random.nextGaussian(), 5000);
                following[i] = (int) Math.max(following[i] + 100 * random.nextGaussian(), 50);
                pks[j] = 1_000_000 + i;
                f[j] = followers[i];
                g[j] = following[i];
                at[j] = fetchedAt + random.nextInt(60_000);
            }
            batches.add(new ReadingBatch("load:" + tick + ":" + first, tick, 60_000, fetchedAt, pks, f, g, at));
        }
        return batches;
    }

    private static double redisCpuSeconds(StatefulRedisConnection<String, String> probe) {
        double seconds = 0;
        for (String line : probe.sync().info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                seconds += Double.parseDouble(line.substring(line.indexOf(':') + 1));
            }
        }
        return seconds;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
