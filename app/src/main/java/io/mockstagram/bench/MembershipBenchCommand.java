package io.mockstagram.bench;

import io.mockstagram.bench.soak.MembershipUnderLoad;
import io.mockstagram.config.Durations;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.infra.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "membership", mixinStandardHelpOptions = true,
        description = {"Starts its own redis-server and nats-server, a nurse and real producer processes; kills "
                + "(-9) and stops (SIGTERM) producers and times until every survivor agrees with Redis.",
                "With --under-load, runs the whole pipeline at full load instead (own Redis, NATS, PostgreSQL, the "
                + "mock API, a fetcher, an updater, 4 producers, a nurse), kills producers spaced out over --duration, "
                + "and counts false evictions and fences besides."})
public final class MembershipBenchCommand implements Callable<Integer> {

    @Option(names = "--producers", description = "Producer processes kept running. Default 8.")
    int producers = 8;

    @Option(names = "--rounds", description = "kill -9 and SIGTERM departures each. Default 10.")
    int rounds = 10;

    @Option(names = "--storm", description = "Members joining at once in the storm test. Default 200.")
    int storm = 200;

    @Option(names = "--profile", paramLabel = "NAME", description = "Lease timings: standard or fast. Default standard.")
    String profile;

    @Option(names = "--lease-ms", description = "Producer lease. Default: the profile's, 3000.")
    Long leaseMs;

    @Option(names = "--heartbeat-ms", description = "Producer heartbeat. Default: the profile's, 1000.")
    Long heartbeatMs;

    @Option(names = "--under-load", description = "Measure under the whole pipeline's load (see above).")
    boolean underLoad;

    @Option(names = "--influencers", paramLabel = "N", description = "With --under-load: pks polled every interval. Default 1000000.")
    int influencers = 1_000_000;

    @Option(names = "--interval", paramLabel = "DURATION", description = "With --under-load: the polling interval. Default 60s.")
    String interval = "60s";

    @Option(names = "--duration", paramLabel = "DURATION", description = "With --under-load: how long departures go on. Default 10m.")
    String duration = "10m";

    @Option(names = "--kills", description = "With --under-load: producers killed (-9), spaced out over the run. Default 10.")
    int kills = 10;

    @Option(names = "--seed", description = "With --under-load: seed of the victims, phases and mock API. Default: random.")
    Long seed;

    @Option(names = "--work-dir", description = "Where servers and logs go. Default: a new temporary directory.")
    Path workDir;

    @Option(names = "--json", description = "End with one JSON object of the figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LeaseProfile chosen = LeaseProfile.resolve(profile, Map.of());
        Duration lease = leaseMs != null ? Duration.ofMillis(leaseMs) : chosen.lease();
        Duration heartbeat = heartbeatMs != null ? Duration.ofMillis(heartbeatMs) : chosen.heartbeat();
        if (underLoad) {
            return underLoad(chosen, lease, heartbeat);
        }
        if (producers < 2) {
            throw new IllegalArgumentException("--producers must be at least 2, so that someone survives a departure");
        }
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("mockstagram-bench-");
        PrintStream out = System.out;
        out.printf("membership benchmark: %d producers, lease %d ms, heartbeat %d ms, %d rounds; logs in %s%n",
                producers, lease.toMillis(), heartbeat.toMillis(), rounds, work);
        var options = new MembershipBenchmark.Options(producers, rounds, storm, lease, heartbeat, work);
        MembershipBenchmark.Result r = new MembershipBenchmark(options, line -> out.println("  " + line)).run();

        out.println();
        out.printf("join latency (start to ACTIVE)    p50 %7.1f ms   p99 %7.1f ms   (%d joins)%n",
                r.join().p50(), r.join().p99(), r.join().count());
        if (r.youngMapJoin().count() > 0) {
            out.printf("  joins into a map < 1 lease old  p50 %7.1f ms   p99 %7.1f ms   (%d joins; they wait out the lease)%n",
                    r.youngMapJoin().p50(), r.youngMapJoin().p99(), r.youngMapJoin().count());
        }
        out.printf("kill -9 until all agree           p50 %7.0f ms   p99 %7.0f ms%n", r.crash().p50(), r.crash().p99());
        out.printf("SIGTERM until all agree           p50 %7.1f ms   p99 %7.1f ms%n", r.graceful().p50(), r.graceful().p99());
        out.printf("%d members joining at once        converged in %.0f ms%n", storm, r.storm200ConvergeMs());
        out.printf("Redis commands per member per s   %.2f%n", r.redisCommandsPerMemberPerSecond());
        out.printf("keys moved per departure (%d)      modulo %.1f %%   jump %.1f %%%n", producers,
                100 * r.moduloMovedFraction(), 100 * r.jumpMovedFraction());
        if (json) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("joinP50Ms", round(r.join().p50()));
            figures.put("joinP99Ms", round(r.join().p99()));
            figures.put("youngMapJoins", r.youngMapJoin().count());
            figures.put("crashConvergeP50Ms", round(r.crash().p50()));
            figures.put("crashConvergeP99Ms", round(r.crash().p99()));
            figures.put("gracefulConvergeP50Ms", round(r.graceful().p50()));
            figures.put("gracefulConvergeP99Ms", round(r.graceful().p99()));
            figures.put("storm200ConvergeMs", round(r.storm200ConvergeMs()));
            figures.put("redisCommandsPerMemberPerSecond", round(r.redisCommandsPerMemberPerSecond()));
            figures.put("moduloMovedFraction", Math.round(r.moduloMovedFraction() * 10_000) / 10_000.0);
            figures.put("jumpMovedFraction", Math.round(r.jumpMovedFraction() * 10_000) / 10_000.0);
            out.println(Json.write(figures));
        }
        return 0;
    }

    private Integer underLoad(LeaseProfile chosen, Duration lease, Duration heartbeat) throws Exception {
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("mockstagram-bench-");
        long chosenSeed = seed != null ? seed : new SplittableRandom().nextLong();
        var options = new MembershipUnderLoad.Options(influencers, Durations.parse(interval), Durations.parse(duration),
                kills, lease, heartbeat, MembershipUnderLoad.Options.roleEnv(chosen, leaseMs, heartbeatMs), chosenSeed, work);
        PrintStream out = System.out;
        out.printf("membership under load: %,d influencers every %s, lease %d ms, heartbeat %d ms, %d kills over %s, "
                + "seed %d; logs in %s%n", influencers, interval, lease.toMillis(), heartbeat.toMillis(), kills, duration,
                chosenSeed, work);
        Map<String, Object> r = new MembershipUnderLoad(options, line -> out.println("  " + line)).run();
        out.println();
        out.printf("kill -9 until all agree       p50 %7.0f ms   p99 %7.0f ms   max %7.0f ms   (%s kills)%n",
                r.get("crashConvergeP50Ms"), r.get("crashConvergeP99Ms"), r.get("crashConvergeMaxMs"), r.get("kills"));
        out.printf("false evictions               %s (%s evicted, %s fenced while running)%n", r.get("falseEvictions"),
                r.get("evictedWhileRunning"), r.get("fencedWhileRunning"));
        out.printf("renewal round trip            p50 %7.1f ms   p99 %7.1f ms   p99.9 %7.1f ms   (%s renewals)%n",
                r.get("renewalP50Ms"), r.get("renewalP99Ms"), r.get("renewalP999Ms"), r.get("renewals"));
        out.printf("duplicate fetches             %.2f %% of rows stored%n", 100 * (double) r.get("duplicateFetchFraction"));
        out.printf("uncovered intervals           %s of %s%n", r.get("uncoveredIntervals"), r.get("intervalsAudited"));
        if (json) {
            out.println(Json.write(r));
        }
        return 0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
