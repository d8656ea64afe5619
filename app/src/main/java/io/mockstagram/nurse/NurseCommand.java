package io.mockstagram.nurse;

import io.mockstagram.cli.ClusterOptions;
import io.mockstagram.infra.RunningRole;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "nurse", mixinStandardHelpOptions = true,
        description = {"Evicts producers whose leases ran out, removes those that announce a stop,",
                "and announces every renumbering as nurse.updated. Run several: one acts, the rest stand by."})
public final class NurseCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--name", description = "Prefix of this nurse's id. Default: POD_NAME, HOSTNAME or the host name.")
    String name;

    @Option(names = "--profile", paramLabel = "NAME", description = "Timings: standard (leader lease 3000 ms, scan at least every 500 ms) or fast (1500 ms, 250 ms); the flags below override it. Env MOCKSTAGRAM_PROFILE. Default standard.")
    String profile;

    @Option(names = "--leader-lease-ms", paramLabel = "MS",
            description = "Lease of the acting nurse; standbys take over within it. Env MOCKSTAGRAM_NURSE_LEASE_MS. Default: the profile's, 3000.")
    Long leaderLeaseMs;

    @Option(names = "--scan-interval", paramLabel = "DURATION",
            description = "Longest wait between eviction passes; the nurse also wakes when the next lease can run out. Env MOCKSTAGRAM_NURSE_SCAN_INTERVAL. Default: the profile's, 500ms.")
    String scanInterval;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Port of /status, /health and /metrics; 0 picks a free one. Default 8081.")
    Integer httpPort;

    @Override
    public Integer call() throws InterruptedException {
        return RunningRole.runUntilStopped(Nurse.start(settings(System.getenv())));
    }

    /** The settings these options and {@code env} give, checked, without starting anything. */
    public NurseSettings settings(Map<String, String> env) {
        return NurseSettings.resolve(cluster.resolve(env), httpPort, name, profile, leaderLeaseMs, scanInterval, env);
    }
}
