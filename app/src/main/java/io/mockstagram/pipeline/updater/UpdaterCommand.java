package io.mockstagram.pipeline.updater;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Durations;
import io.mockstagram.config.Setting;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.pipeline.timeseries.TimeSeriesSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "updater", mixinStandardHelpOptions = true,
        description = {"Stores reading batches: the time series in PostgreSQL, and the latest reading, rank and "
                + "averages in Redis. Every write is idempotent per (pk, tick). Run more of them to store "
                + "faster."})
public final class UpdaterCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "PostgreSQL, postgresql://user:password@host:5432/db. Env DATABASE_URL. Default postgresql://localhost:5432/postgres.")
    String databaseUrl;

    @Option(names = "--retention", paramLabel = "DURATION", description = "How long readings are kept, at least 1h. Env MOCKSTAGRAM_RETENTION. Default 168h.")
    String retention;

    @Option(names = "--db-pool-size", description = "Database connections. Env MOCKSTAGRAM_DB_POOL_SIZE. Default 4.")
    Integer poolSize;

    @Option(names = "--batches-in-flight", description = "Reading batches stored at once. Default 2.")
    int batchesInFlight = 2;

    @Option(names = "--ack-wait", paramLabel = "DURATION",
            description = "How long a reading batch stays with an updater that took it before another may take it. Default 60s.")
    String ackWait;

    @Option(names = "--max-deliveries", paramLabel = "N",
            description = "Deliveries of a reading batch that fails to store before its readings are dead-lettered "
                    + "and the batch dropped, 1-100. Env MOCKSTAGRAM_MAX_DELIVERIES. Default 5.")
    String maxDeliveries;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of /health and /metrics; 0 picks a free one. Default 8081.")
    Integer httpPort;

    @Override
    public Integer call() throws InterruptedException {
        return RunningRole.runUntilStopped(Updater.start(settings(System.getenv())));
    }

    /** The settings these options and {@code env} give, checked, without starting anything. */
    public UpdaterSettings settings(Map<String, String> env) {
        return new UpdaterSettings(cluster.resolve(env), DatabaseSettings.resolve(databaseUrl, env),
                TimeSeriesSettings.resolve(retention, poolSize, env), httpPort == null ? 8081 : httpPort, batchesInFlight,
                Setting.resolve(ackWait, "--ack-wait", env, "60s", "MOCKSTAGRAM_ACK_WAIT").as(Durations::parse, "a duration"),
                UpdaterSettings.maxDeliveries(maxDeliveries, env));
    }
}
