package io.mockstagram.bench;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Durations;
import io.mockstagram.infra.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
        description = "Runs the whole chain on this machine (API, nurse, producers, fetchers, updaters, dashboard, "
                + "each its own process) against the configured Redis, NATS and PostgreSQL, in a namespace of "
                + "its own that is deleted afterwards, while querying the dashboard at a steady rate.")
public final class PipelineBenchCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--database-url", paramLabel = "URL", description = "PostgreSQL. Env DATABASE_URL. Default postgresql://localhost:5432/postgres.")
    String databaseUrl;

    @Option(names = "--influencers", description = "Pks polled every interval. Default 1000000.")
    int influencers = 1_000_000;

    @Option(names = "--duration", paramLabel = "DURATION", description = "How long to measure, once two intervals in a row were fully polled. Default 3m.")
    String duration = "3m";

    @Option(names = "--interval", paramLabel = "DURATION", description = "The polling interval. Default 60s.")
    String interval = "60s";

    @Option(names = "--producers", description = "Producer processes. Default 2.")
    int producers = 2;

    @Option(names = "--fetchers", description = "Fetcher processes. Default 1.")
    int fetchers = 1;

    @Option(names = "--updaters", description = "Updater processes. Default 1.")
    int updaters = 1;

    @Option(names = "--queries-per-second", description = "Query load on the dashboard during the run. Default 50.")
    int queriesPerSecond = 50;

    @Option(names = "--work-dir", description = "Where logs go. Default: a new temporary directory.")
    Path workDir;

    @Option(names = "--rebuild", description = "Halfway through, delete the namespace's Redis keys (as a Redis restarted "
            + "empty would) and report how long until the query API answers from a rebuilt view again.")
    boolean rebuild;

    @Option(names = "--json", description = "End with one JSON object of the figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var env = System.getenv();
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("mockstagram-bench-");
        var options = new PipelineBenchmark.Options(influencers, Durations.parse(duration), Durations.parse(interval),
                producers, fetchers, updaters, queriesPerSecond, work, rebuild);
        PrintStream out = System.out;
        out.printf("pipeline benchmark: %,d influencers every %s, %d producers, %d fetchers, %d updaters, %d queries/s "
                        + "for %s; logs in %s%n", influencers, interval, producers, fetchers, updaters, queriesPerSecond,
                duration, work.resolve("logs"));
        PipelineBenchmark.Result r = new PipelineBenchmark(options, cluster.resolve(env),
                DatabaseSettings.resolve(databaseUrl, env), line -> out.println("  " + line)).run();

        Duration period = options.interval();
        out.println();
        out.printf("readings stored per second        %,.0f  (target for this range: %,.0f)%n", r.readingsPerSecond(),
                influencers * 1000.0 / period.toMillis());
        out.printf("lowest coverage of an interval    %.2f %%%n", 100 * r.coverage());
        out.printf("lag, due until stored             p50 %s   p99 %s%n", millis(r.lagP50Ms()), millis(r.lagP99Ms()));
        out.printf("query API under load              p50 %.1f ms   p99 %.1f ms%n", r.queryP50Ms(), r.queryP99Ms());
        r.serverSideQueries().forEach((endpoint, q) ->
                out.printf("  in the dashboard, %-14s p50 <= %.1f ms   p99 <= %.1f ms%n", endpoint, q[0], q[1]));
        out.printf("bytes stored per reading          %.1f%n", r.bytesPerReading());
        if (rebuild) {
            out.printf("Redis view rebuilt after a wipe   %.1f s%n", r.rebuildSeconds());
        }
        out.printf("CPU, in cores (machine total %.2f of %d):%n", r.machineCores(), Runtime.getRuntime().availableProcessors());
        r.cpu().forEach(role -> out.printf("  %-18s %.2f%n", role.role(), role.cores()));
        if (json) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("readingsPerSecond", Math.round(r.readingsPerSecond()));
            figures.put("coverage", Math.round(r.coverage() * 10_000) / 10_000.0);
            figures.put("lagP99Ms", Double.isFinite(r.lagP99Ms()) ? Math.round(r.lagP99Ms()) : null);
            figures.put("queryP50Ms", Math.round(r.queryP50Ms() * 10) / 10.0);
            figures.put("queryP99Ms", Math.round(r.queryP99Ms() * 10) / 10.0);
            figures.put("bytesPerReading", Math.round(r.bytesPerReading() * 10) / 10.0);
            if (rebuild) {
                figures.put("rebuildSeconds", Math.round(r.rebuildSeconds() * 10) / 10.0);
            }
            out.println(Json.write(figures));
        }
        return 0;
    }

    /** A latency read off a histogram; past its last bucket there is no figure to give. */
    private static String millis(double ms) {
        return Double.isFinite(ms) ? String.format("%,.0f ms", ms) : "beyond the histogram's range";
    }
}
