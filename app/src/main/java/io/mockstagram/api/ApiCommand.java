package io.mockstagram.api;

import io.mockstagram.infra.RunningRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "api", mixinStandardHelpOptions = true,
        description = {"Serves the mock Instagram API.",
                "Every GET /api/v1/influencers/{pk} moves the counts by a random walk;",
                "POST /api/v1/influencers/is_suspicious answers after about a second."})
public final class ApiCommand implements Callable<Integer> {

    @Option(names = "--influencers", paramLabel = "N",
            description = "Serve pks 1000000..1000000+N-1. Env MOCKSTAGRAM_INFLUENCERS. Default 1000000.")
    Integer influencers;

    @Option(names = "--seed", paramLabel = "S",
            description = "Seed of the starting counts and the walk; the same seed repeats a run. Default: random, logged at start.")
    Long seed;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the API, /health and /metrics; 0 picks a free one. Default 3000.")
    Integer httpPort;

    @Option(names = "--fail-rate", paramLabel = "SHARE", description = "Share of reads answered 503, for testing clients. Default 0.")
    Double failRate;

    @Option(names = "--slow-rate", paramLabel = "SHARE", description = "Share of reads answered only after --slow-delay. Default 0.")
    Double slowRate;

    @Option(names = "--slow-delay", paramLabel = "DURATION", description = "How late the slow reads are. Default 5s.")
    String slowDelay;

    @Option(names = "--broken-pks", paramLabel = "PK,PK", description = "Pks whose reads always fail with 500.")
    String brokenPks;

    @Option(names = "--record-served", description = "Remember which pks were answered for which X-Scheduled-At, "
            + "and serve that at GET /api/v1/served?since=MS (for soak tests).")
    boolean recordServed;

    @Override
    public Integer call() throws InterruptedException {
        return RunningRole.runUntilStopped(MockApi.start(settings(System.getenv())));
    }

    /** The settings these options and {@code env} give, checked, without starting anything. */
    public ApiSettings settings(Map<String, String> env) {
        return ApiSettings.resolve(influencers, seed, httpPort, Faults.parse(failRate, slowRate, slowDelay, brokenPks),
                recordServed, env);
    }
}
