package io.mockstagram.producer;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.pipeline.scheduling.Schedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "producer", mixinStandardHelpOptions = true,
        description = {"Joins the numbering, keeps its lease, serves /status, and every interval schedules its "
                + "share of the pks as task batches for the fetchers.",
                "On SIGTERM it announces producer.stopped and leaves at once."})
public final class ProducerCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--name", description = "Stable member name. Default: POD_NAME or HOSTNAME, else host name and process id.")
    String name;

    @Option(names = "--profile", paramLabel = "NAME", description = "Lease timings: standard (lease 3000 ms, heartbeat 1000 ms) or fast (1000 ms, 250 ms); --lease-ms and --heartbeat-ms override it. Env MOCKSTAGRAM_PROFILE. Default standard.")
    String profile;

    @Option(names = "--lease-ms", paramLabel = "MS", description = "Lease length. Env MOCKSTAGRAM_LEASE_MS. Default: the profile's, 3000.")
    Long leaseMs;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", description = "Renewal period; at most a third of the lease. Env MOCKSTAGRAM_HEARTBEAT_MS. Default: the profile's, 1000.")
    Long heartbeatMs;

    @Option(names = "--partitioner", description = "modulo (pk %% total == number - 1) or jump. Env MOCKSTAGRAM_PARTITIONER. Default modulo.")
    String partitioner;

    @Option(names = "--influencers", paramLabel = "N", description = "Pks 1000000..1000000+N-1. Env MOCKSTAGRAM_INFLUENCERS. Default 1000000.")
    Integer influencers;

    @Option(names = "--interval", paramLabel = "DURATION", description = "How often every pk is polled. Env MOCKSTAGRAM_INTERVAL. Default 60s.")
    String interval;

    @Option(names = "--batch-size", paramLabel = "N", description = "Pks per task batch. Env MOCKSTAGRAM_BATCH_SIZE. Default 1000.")
    Integer batchSize;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of /status, /health and /metrics; 0 picks a free one. Default 8081.")
    Integer httpPort;

    @Override
    public Integer call() throws InterruptedException {
        return RunningRole.runUntilStopped(Producer.start(settings(System.getenv())));
    }

    /** The settings these options and {@code env} give, checked, without starting anything. */
    public ProducerSettings settings(Map<String, String> env) {
        return ProducerSettings.resolve(cluster.resolve(env), httpPort, name, profile, leaseMs, heartbeatMs, partitioner,
                Schedule.resolve(influencers, interval, batchSize, env), env);
    }
}
