package io.mockstagram.pipeline.fetcher;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.pipeline.scheduling.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "fetcher", mixinStandardHelpOptions = true,
        description = {"Takes task batches from the queue, calls the API for each pk and publishes the readings. "
                + "Pks it gives up on are recorded in PostgreSQL. Run more of them to fetch faster."})
public final class FetcherCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--api-url", paramLabel = "URL", description = "The mock API. Env MOCKSTAGRAM_API_URL. Default http://localhost:3000.")
    String apiUrl;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "PostgreSQL, where pks given up on are recorded. Env DATABASE_URL. Default postgresql://localhost:5432/postgres.")
    String databaseUrl;

    @Option(names = "--concurrency", description = "API calls under way at once. Default 64.")
    int concurrency = 64;

    @Option(names = "--connections", description = "Keep-alive connections to the API for reads. Default 8.")
    int connections = 8;

    @Option(names = "--pipelining", description = "Reads in flight on one connection (HTTP/1.1 pipelining). Default 8.")
    int pipelining = 8;

    @Option(names = "--batches-in-flight", description = "Task batches taken from the queue at once. Default 4.")
    int batchesInFlight = 4;

    @Option(names = "--max-attempts", description = "Calls per pk before it is dead-lettered. Default 4.")
    int maxAttempts = 4;

    @Option(names = "--request-timeout", paramLabel = "DURATION", description = "Longest wait for one call. Default 2s.")
    String requestTimeout;

    @Option(names = "--interval", paramLabel = "DURATION", description = "The polling interval. Env MOCKSTAGRAM_INTERVAL. Default 60s.")
    String interval;

    @Option(names = "--classify-every", paramLabel = "DURATION", description = "How often each influencer is classified. Default 24h.")
    String classifyEvery;

    @Option(names = "--classify-in-flight", description = "Classification calls under way at once; 0 turns it off. Default 32.")
    int classifyInFlight = 32;

    @Option(names = "--ack-wait", paramLabel = "DURATION",
            description = "How long a task batch stays with a fetcher that took it before another may take it. Default 60s.")
    String ackWait;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of /health and /metrics; 0 picks a free one. Default 8081.")
    Integer httpPort;

    @Override
    public Integer call() throws InterruptedException {
        return RunningRole.runUntilStopped(Fetcher.start(settings(System.getenv())));
    }

    /** The settings these options and {@code env} give, checked, without starting anything. */
    public FetcherSettings settings(Map<String, String> env) {
        return new FetcherSettings(cluster.resolve(env), DatabaseSettings.resolve(databaseUrl, env), httpPort == null ? 8081 : httpPort,
                FetcherSettings.apiUrl(apiUrl, env), concurrency, connections, pipelining, batchesInFlight, maxAttempts,
                FetcherSettings.duration(requestTimeout, "--request-timeout", "MOCKSTAGRAM_REQUEST_TIMEOUT", Duration.ofSeconds(2), env),
                FetcherSettings.duration(interval, "--interval", "MOCKSTAGRAM_INTERVAL", Schedule.DEFAULT_INTERVAL, env),
                FetcherSettings.duration(classifyEvery, "--classify-every", "MOCKSTAGRAM_CLASSIFY_EVERY", Duration.ofHours(24), env),
                classifyInFlight,
                FetcherSettings.duration(ackWait, "--ack-wait", "MOCKSTAGRAM_ACK_WAIT", Duration.ofSeconds(60), env));
    }
}
