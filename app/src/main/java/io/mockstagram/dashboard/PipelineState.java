package io.mockstagram.dashboard;

import java.time.Instant;
import java.util.List;

/**
 * What the pipeline view shows: recent intervals, oldest first.
 *
 * @param readingsPerSecond readings stored in the last complete interval, per second
 * @param deadLetters       pks given up on so far
 * @param dropped           batches the work queues refused when full, so far
 */
public record PipelineState(long intervalMs, int influencers, double readingsPerSecond, long deadLetters,
                            Dropped dropped, List<Interval> intervals) {

    /** Batches refused by a full queue: task batches (their pks not polled that interval) and reading batches. */
    public record Dropped(long tasks, long readings) {
    }

    /**
     * One interval.
     *
     * @param coverage share of the influencers with a reading for this interval
     * @param complete whether the interval is over
     */
    public record Interval(long tick, Instant start, long readings, double coverage, double lagAverageMs, long lagMaxMs,
                           boolean complete) {
    }
}
