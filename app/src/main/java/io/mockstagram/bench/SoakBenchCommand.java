package io.mockstagram.bench;

import io.mockstagram.bench.soak.Soak;
import io.mockstagram.bench.soak.SoakOptions;
import io.mockstagram.bench.soak.SoakReport;
import io.mockstagram.config.Durations;
import io.mockstagram.infra.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "soak", mixinStandardHelpOptions = true,
        description = {"Runs the whole system on servers of its own (Redis, NATS, PostgreSQL) under random faults "
                + "(kills, pauses, restarts of roles and servers, Redis wipes) and checks that it never gives a wrong "
                + "answer: no number ACTIVE twice, epochs never back, the map always dense, every quiet interval "
                + "covered, no served reading lost, the query API equal to PostgreSQL at quiet checkpoints.",
                "Exit status 0 only if every violation count is 0."})
public final class SoakBenchCommand implements Callable<Integer> {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--duration", paramLabel = "DURATION", description = "How long faults are injected. Default 10m.")
    String duration = "10m";

    @Option(names = "--seed", description = "Seed of the faults' kinds, order, targets and gaps, and of the mock API. Default: random, printed.")
    Long seed;

    @Option(names = "--influencers", description = "Pks polled every interval. Default 20000.")
    int influencers = 20_000;

    @Option(names = "--interval", paramLabel = "DURATION", description = "The polling interval. Default 5s.")
    String interval = "5s";

    @Option(names = "--work-dir", description = "Where logs and the servers' data go. Default: a new temporary directory.")
    Path workDir;

    @Option(names = "--json", description = "End with one JSON object of the figures.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        long chosenSeed = seed != null ? seed : new SplittableRandom().nextLong();
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("mockstagram-soak-");
        var options = SoakOptions.of(Durations.parse(duration), chosenSeed, influencers, Durations.parse(interval), work);
        PrintStream out = System.out;
        out.printf("soak: %,d influencers every %s under faults for %s, seed %d; work directory %s%n", influencers, interval,
                duration, chosenSeed, work);
        SoakReport report = new Soak(options, line -> out.println("  " + LocalTime.now().format(CLOCK) + "  " + line)).run();
        out.println();
        out.printf("faults                       %s%n", report.faults());
        out.printf("unrecovered faults           %d%n", report.unrecoveredFaults());
        out.printf("double-ACTIVE samples        %d of %d%n", report.doubleActiveSamples(), report.statusSamples());
        out.printf("epoch regressions            %d%n", report.epochRegressions());
        out.printf("density violations           %d of %d%n", report.densityViolations(), report.densitySamples());
        out.printf("uncovered quiet intervals    %d of %d%n", report.uncoveredQuietIntervals(), report.quietIntervals());
        out.printf("readings lost                %d of %,d served (%d dead letters, %d task batches skipped)%n",
                report.readingsLost(), report.readingsServed(), report.deadLetters(), report.skippedTaskBatches());
        out.printf("wrong answers                %d of %d checked at %d checkpoints (%d not yet checkable)%n",
                report.wrongAnswers(), report.answersChecked(), report.answerCheckpoints(), report.notYetCheckable());
        for (Map.Entry<String, List<String>> kind : report.examples().entrySet()) {
            kind.getValue().forEach(example -> out.printf("  %s  %s%n", kind.getKey(), example));
        }
        out.println(report.passed() ? "PASS" : "FAIL");
        if (json) {
            out.println(Json.write(report.figures()));
        }
        return report.passed() ? 0 : 1;
    }
}
