package io.mockstagram.dashboard;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.infra.RunningRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves the dashboard (cluster, influencer and pipeline views) and the query API",
                "(/api/influencers/{pk}, /api/influencers/{pk}/timeline, /api/stats) from Redis and PostgreSQL.",
                "It reads MOCKSTAGRAM_INTERVAL, MOCKSTAGRAM_INFLUENCERS, MOCKSTAGRAM_LEASE_MS and",
                "MOCKSTAGRAM_PARTITIONER as the producers do."})
public final class DashboardCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "PostgreSQL. Env DATABASE_URL. Default postgresql://localhost:5432/postgres.")
    String databaseUrl;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of the dashboard; 0 picks a free one. Default 8080.")
    Integer httpPort;

    @Override
    public Integer call() throws InterruptedException {
        return RunningRole.runUntilStopped(Dashboard.start(settings(System.getenv()), Optional.empty()));
    }

    /** The settings these options and {@code env} give, checked, without starting anything. */
    public DashboardSettings settings(Map<String, String> env) {
        return DashboardSettings.resolve(cluster.resolve(env), DatabaseSettings.resolve(databaseUrl, env), "0.0.0.0",
                httpPort, env);
    }
}
