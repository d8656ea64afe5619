package io.mockstagram.up;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.LeaseProfile;
import io.mockstagram.pipeline.scheduling.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Runs the whole system on this machine: the mock API, a nurse, producers, fetchers and "
                + "updaters, each its own process, and the dashboard. Uses Redis, NATS and PostgreSQL at "
                + "the configured URLs; when none was given and none answers, starts local ones and stops "
                + "them on exit. Ctrl-C stops everything."})
public final class UpCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--database-url", paramLabel = "URL", description = "PostgreSQL. Env DATABASE_URL. Default postgresql://localhost:5432/postgres.")
    String databaseUrl;

    @Option(names = "--producers", description = "Producer processes. Default 4.")
    int producers = 4;

    @Option(names = "--fetchers", description = "Fetcher processes. Default 1.")
    int fetchers = 1;

    @Option(names = "--updaters", description = "Updater processes. Default 1.")
    int updaters = 1;

    @Option(names = "--influencers", paramLabel = "N", description = "Pks polled every interval. Env MOCKSTAGRAM_INFLUENCERS. Default 1000000.")
    Integer influencers;

    @Option(names = "--interval", paramLabel = "DURATION", description = "How often every pk is polled. Env MOCKSTAGRAM_INTERVAL. Default 60s.")
    String interval;

    @Option(names = "--profile", paramLabel = "NAME", description = "Lease timings of the producers and the nurse: standard or fast (see producer --help). Env MOCKSTAGRAM_PROFILE. Default standard.")
    String profile;

    @Option(names = "--dashboard-port", paramLabel = "PORT", description = "The dashboard's port, on 127.0.0.1 only. Default 8080.")
    int dashboardPort = 8080;

    @Option(names = "--own-servers", description = "Start private Redis, NATS and PostgreSQL servers even if others answer.")
    boolean ownServers;

    @Option(names = "--work-dir", description = "Where logs and local servers go. Default: a new temporary directory.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        InterruptDisposition.warning().ifPresent(System.err::println);
        if (producers < 1 || fetchers < 1 || updaters < 1) {
            throw new ConfigException("--producers, --fetchers and --updaters must each be at least 1");
        }
        var env = System.getenv();
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("mockstagram-up-");
        var settings = new UpSettings(cluster.resolve(env), DatabaseSettings.resolve(databaseUrl, env),
                Schedule.resolve(influencers, interval, null, env), LeaseProfile.resolve(profile, env), producers,
                fetchers, updaters, dashboardPort, ownServers, work);
        LocalCluster running = LocalCluster.start(settings, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "up-shutdown"));
        running.watch();
        return 0;
    }
}
