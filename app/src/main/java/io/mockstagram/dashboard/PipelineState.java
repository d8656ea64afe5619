package io.mockstagram.dashboard;

import java.time.Instant;
import java.util.List;

/**
 * What the pipeline view shows: recent intervals, oldest first.
 *
 * @param readingsPerSecond readings stored in the last complete interval, per second
 * @param deadLetters       pks given up on so far
 */
public record PipelineState(long intervalMs, int influencers, double readingsPerSecond, long deadLetters,
                            List<Interval> intervals) {

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
