package io.mockstagram.dashboard;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves the query API (/api/influencers/{pk}, /api/influencers/{pk}/timeline, /api/stats)",
                "from Redis and PostgreSQL."})
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
        var env = System.getenv();
        int port = httpPort == null ? DashboardSettings.DEFAULT_HTTP_PORT : httpPort;
        if (port < 0 || port > 65535) {
            throw new ConfigException("--http-port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        Dashboard dashboard = Dashboard.start(new DashboardSettings(cluster.resolve(env), DatabaseSettings.resolve(databaseUrl, env), port));
        Runtime.getRuntime().addShutdownHook(new Thread(dashboard::close, "dashboard-shutdown"));
        dashboard.awaitStop();
        return 0;
    }
}
