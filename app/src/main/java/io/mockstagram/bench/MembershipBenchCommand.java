package io.mockstagram.bench;

import io.mockstagram.infra.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "membership", mixinStandardHelpOptions = true,
        description = {"Starts its own redis-server and nats-server, a nurse and real producer processes; kills "
                + "(-9) and stops (SIGTERM) producers and times until every survivor agrees with Redis."})
public final class MembershipBenchCommand implements Callable<Integer> {

    @Option(names = "--producers", description = "Producer processes kept running. Default 8.")
    int producers = 8;

    @Option(names = "--rounds", description = "kill -9 and SIGTERM departures each. Default 10.")
    int rounds = 10;

    @Option(names = "--storm", description = "Members joining at once in the storm test. Default 200.")
    int storm = 200;

    @Option(names = "--lease-ms", description = "Producer lease. Default 3000.")
    long leaseMs = 3000;

    @Option(names = "--heartbeat-ms", description = "Producer heartbeat. Default 1000.")
    long heartbeatMs = 1000;

    @Option(names = "--work-dir", description = "Where servers and logs go. Default: a new temporary directory.")
    Path workDir;

    @Option(names = "--json", description = "End with one JSON object of the figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (producers < 2) {
            throw new IllegalArgumentException("--producers must be at least 2, so that someone survives a departure");
        }
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("mockstagram-bench-");
        PrintStream out = System.out;
        out.printf("membership benchmark: %d producers, lease %d ms, heartbeat %d ms, %d rounds; logs in %s%n",
                producers, leaseMs, heartbeatMs, rounds, work);
        var options = new MembershipBenchmark.Options(producers, rounds, storm, Duration.ofMillis(leaseMs),
                Duration.ofMillis(heartbeatMs), work);
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

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
