package io.mockstagram.bench.soak;

import io.mockstagram.config.Namespace;
import io.mockstagram.pipeline.Tick;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A fault soak: runs the whole system under random faults for a while, samples the invariants
 * all along, holds quiet checkpoints at which every answer of the query API is compared with
 * PostgreSQL, and at the end audits what was stored against what the API served.
 */
public final class Soak {

    private static final Namespace NAMESPACE = SoakCluster.NAMESPACE;
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(3);
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(90);
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final SoakOptions options;
    private final Consumer<String> progress;
    private final Violations violations = new Violations();
    private final List<Fault> faults = new ArrayList<>();
    private final List<Map<String, Object>> recoveries = new ArrayList<>();
    private final List<ReadingsAudit.Window> struck = new ArrayList<>();
    private int unrecovered;
    private int checkpoints;
    private long answersChecked;
    private long wrongAnswers;
    private long notYetCheckable;
    private long startMs;

    public Soak(SoakOptions options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    public SoakReport run() throws Exception {
        try (SoakCluster cluster = SoakCluster.start(options);
             SoakHttp http = new SoakHttp();
             FaultInjector injector = new FaultInjector(cluster, http, options.seed());
             RecoveryProbe probe = new RecoveryProbe(cluster, http, NAMESPACE,
                     new SoakDatabase(cluster.postgres().url(), NAMESPACE), options.interval());
             InvariantSampler sampler = new InvariantSampler(cluster, http, NAMESPACE, violations)) {
            var database = new SoakDatabase(cluster.postgres().url(), NAMESPACE);
            var skips = new SkipCounter(cluster, http);
            var answers = new AnswerAudit(http, cluster.dashboardPort(), database, options.influencers(),
                    violations);
            progress.accept("cluster started; logs in " + cluster.logs() + "; waiting for a fully stored interval");
            long firstTick = StoredReadings.awaitWhollyStored(database, options.influencers(), options.interval(),
                    WARM_UP_LIMIT);
            progress.accept("an interval was wholly stored; faults begin");
            sampler.start();
            startMs = System.currentTimeMillis();
            violations.startClock(startMs);
            long endMs = startMs + options.duration().toMillis();
            long nextCheckpointMs = startMs + options.checkpointEvery().toMillis();
            long nextFaultMs = startMs + injector.gap(options.minGap(), options.maxGap()).toMillis();
            long nextProgressMs = startMs;
            while (System.currentTimeMillis() < endMs) {
                long now = System.currentTimeMillis();
                if (now >= nextProgressMs) {
                    report(sampler);
                    skips.scrape();
                    nextProgressMs = now + PROGRESS_EVERY.toMillis();
                }
                if (now >= nextCheckpointMs && endMs - now > options.checkpointEvery().toMillis() / 2) {
                    checkpoint(cluster, probe, answers, false);
                    nextCheckpointMs = System.currentTimeMillis() + options.checkpointEvery().toMillis();
                    nextFaultMs = Math.max(nextFaultMs, System.currentTimeMillis() + options.interval().toMillis());
                } else if (now >= nextFaultMs) {
                    Fault fault = injectAndRecover(injector, probe);
                    nextFaultMs = Math.max(fault.startMs() + injector.gap(options.minGap(), options.maxGap()).toMillis(),
                            System.currentTimeMillis() + options.interval().toMillis());
                }
                Thread.sleep(100);
            }
            skips.scrape();
            progress.accept("faults over; settling before the final checkpoint");
            probe.awaitRecovered(System.currentTimeMillis(), System.currentTimeMillis(),
                    System.currentTimeMillis() + RECOVERY_LIMIT.toMillis());
            long lastTick = Tick.at(Instant.now(), options.interval()).index() - 1;
            checkpoint(cluster, probe, answers, true);
            sampler.close();

            progress.accept("auditing stored readings against what the API served");
            Map<Long, BitSet> stored = StoredReadings.load(database);
            var audit = new ReadingsAudit(options.influencers(), options.interval(), violations);
            ReadingsAudit.Coverage coverage = audit.coverage(stored, struck, firstTick, lastTick);
            Set<String> deadLetters = DeadLetters.load(database);
            SoakHttp.Answer served = http.get(cluster.apiPort(), "/api/v1/served?since=0", Duration.ofSeconds(30));
            if (!served.ok()) {
                throw new IllegalStateException("the API did not say what it served: " + served.status() + " " + served.body());
            }
            ReadingsAudit.Loss loss = audit.loss(served.body(), stored, deadLetters);
            progress.accept("audits done; stopping the cluster");

            Map<String, Integer> byKind = new LinkedHashMap<>();
            Map<FaultKind, Integer> counted = new EnumMap<>(FaultKind.class);
            faults.forEach(f -> counted.merge(f.kind(), 1, Integer::sum));
            counted.forEach((kind, n) -> byKind.put(kind.name(), n));
            return new SoakReport(options.seed(), options.duration().toSeconds(), options.influencers(),
                    options.interval().toSeconds(), byKind, recoveries, unrecovered,
                    sampler.statusSamples(), sampler.doubleActiveSamples(), sampler.epochRegressions(),
                    sampler.densitySamples(), sampler.densityViolations(),
                    coverage.quietIntervals(), coverage.uncoveredQuietIntervals(),
                    loss.servedPairs(), loss.lostPairs(), deadLetters.size(), skips.total(),
                    checkpoints, answersChecked, wrongAnswers, notYetCheckable, violations.examples());
        }
    }

    private Fault injectAndRecover(FaultInjector injector, RecoveryProbe probe) {
        FaultKind kind = injector.next();
        Fault fault = injector.inject(kind);
        faults.add(fault);
        struck.add(new ReadingsAudit.Window(fault.startMs(), fault.endMs()));
        // Timed from the end of the fault (the paused producer resumed, the server up again), so
        // that a pause's length is not counted as recovery.
        OptionalLong recovery = probe.awaitRecovered(fault.endMs(), fault.endMs(), fault.endMs() + RECOVERY_LIMIT.toMillis());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("kind", kind.name());
        entry.put("target", fault.target());
        entry.put("atSeconds", Math.round((fault.startMs() - startMs) / 100.0) / 10.0);
        entry.put("faultMs", fault.endMs() - fault.startMs());
        entry.put("recoveryMs", recovery.isPresent() ? recovery.getAsLong() : null);
        recoveries.add(entry);
        if (recovery.isEmpty()) {
            unrecovered++;
            violations.note("unrecovered", kind + " on " + fault.target() + " not recovered within "
                    + RECOVERY_LIMIT.toSeconds() + " s");
        }
        progress.accept(String.format("fault %d: %s on %s, recovered %s", faults.size(), kind, fault.target(),
                recovery.isPresent() ? "in " + recovery.getAsLong() + " ms" : "NOT within " + RECOVERY_LIMIT.toSeconds() + " s"));
        if (kind == FaultKind.PRODUCER_KILL) {
            // What a supervisor does: the crashed producer comes back, and joins.
            injector.restartDeadProducers();
            long joined = System.currentTimeMillis();
            probe.awaitRecovered(joined, joined, joined + RECOVERY_LIMIT.toMillis());
        }
        return fault;
    }

    /**
     * Stops scheduling (producers stopped), waits for the queues to drain, compares every answer
     * with PostgreSQL, and, unless it is the last, starts the producers again. The whole pause
     * counts as a disturbance for the coverage audit.
     */
    private void checkpoint(SoakCluster cluster, RecoveryProbe probe, AnswerAudit answers, boolean last) throws Exception {
        long from = System.currentTimeMillis();
        progress.accept("checkpoint: producers stopped; waiting for the queues to drain");
        cluster.stopProducers();
        if (!PipelineDrain.await(cluster.nats().url(), NAMESPACE, DRAIN_LIMIT)) {
            violations.note("drain", "the queues were not empty within " + DRAIN_LIMIT.toSeconds() + " s");
        }
        AnswerAudit.Result result = answers.check();
        checkpoints++;
        answersChecked += result.checked();
        wrongAnswers += result.wrong();
        notYetCheckable += result.notYetCheckable();
        progress.accept(String.format("checkpoint %d: %d answers checked, %d wrong, %d not yet checkable (%.1f s so far)",
                checkpoints, result.checked(), result.wrong(), result.notYetCheckable(),
                (System.currentTimeMillis() - from) / 1000.0));
        if (!last) {
            cluster.startProducers();
            long started = System.currentTimeMillis();
            probe.awaitRecovered(started, started, started + RECOVERY_LIMIT.toMillis());
        }
        struck.add(new ReadingsAudit.Window(from, last ? Long.MAX_VALUE : System.currentTimeMillis()));
    }

    private void report(InvariantSampler sampler) {
        progress.accept(String.format("%4ds  faults %d  violations %d (double-active %d, epoch regressions %d, density %d, "
                        + "wrong answers %d)", (System.currentTimeMillis() - startMs) / 1000, faults.size(),
                sampler.violationCount() + wrongAnswers, sampler.doubleActiveSamples(), sampler.epochRegressions(),
                sampler.densityViolations(), wrongAnswers));
    }
}
