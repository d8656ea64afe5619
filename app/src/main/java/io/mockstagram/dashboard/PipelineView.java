package io.mockstagram.dashboard;

import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.StreamDrops;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.pipeline.stats.PipelineStats;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Reads the pipeline's recent intervals from what the updaters and fetchers record in Redis. */
final class PipelineView {

    static final int INTERVALS = 30;

    private final PipelineStats stats;
    private final PkRange range;
    private final Duration interval;

    PipelineView(PipelineStats stats, PkRange range, Duration interval) {
        this.stats = stats;
        this.range = range;
        this.interval = interval;
    }

    CompletionStage<PipelineState> read() {
        var ticks = stats.ticks().toCompletableFuture();
        var deadLetters = stats.deadLetters().toCompletableFuture();
        var dropped = stats.dropped().toCompletableFuture();
        return CompletableFuture.allOf(ticks, deadLetters, dropped)
                .thenApply(all -> state(ticks.join(), deadLetters.join(), dropped.join()));
    }

    private PipelineState state(List<PipelineStats.TickStats> ticks, long deadLetters, Map<String, Long> dropped) {
        Instant now = Instant.now();
        List<PipelineState.Interval> intervals = ticks.stream()
                .skip(Math.max(0, ticks.size() - INTERVALS))
                .map(t -> {
                    Tick tick = new Tick(t.tick(), interval);
                    return new PipelineState.Interval(t.tick(), tick.start(), t.readings(),
                            (double) t.readings() / range.count(), t.lagAverageMs(), t.lagMaxMs(),
                            tick.end().isBefore(now));
                })
                .toList();
        double perSecond = intervals.stream().filter(PipelineState.Interval::complete)
                .reduce((first, second) -> second)
                .map(last -> last.readings() * 1000.0 / interval.toMillis()).orElse(0.0);
        var drops = new PipelineState.Dropped(dropped.getOrDefault(StreamDrops.Queue.TASKS.field(), 0L),
                dropped.getOrDefault(StreamDrops.Queue.READINGS.field(), 0L));
        return new PipelineState(interval.toMillis(), range.count(), perSecond, deadLetters, drops, intervals);
    }
}
