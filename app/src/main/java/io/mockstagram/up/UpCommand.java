package io.mockstagram.up;

import io.mockstagram.cli.ClusterOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Runs a whole cluster on this machine: a nurse and N producers, each its own process.",
                "Uses Redis and NATS at the configured URLs; when none was given and none answers,",
                "starts local ones and stops them on exit. Ctrl-C stops everything."})
public final class UpCommand implements Callable<Integer> {

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--producers", description = "How many producer processes. Default 4.")
    int producers = 4;

    @Option(names = "--work-dir", description = "Where logs and local servers go. Default: a new temporary directory.")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        if (producers < 1) {
            throw new IllegalArgumentException("--producers must be at least 1");
        }
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("mockstagram-up-");
        var settings = cluster.resolve(System.getenv());
        try (LocalCluster running = LocalCluster.start(settings, producers, work, System.out)) {
            Runtime.getRuntime().addShutdownHook(new Thread(running::close, "up-shutdown"));
            running.watch();
        }
        return 0;
    }
}
