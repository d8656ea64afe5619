package io.mockstagram.pipeline;

/**
 * Pks a producer scheduled for one tick, sent to the fetchers through the tasks work queue.
 *
 * @param tick       the tick's index
 * @param intervalMs the interval the tick counts in
 * @param dueAtMs    when the batch was due (ticks are spread evenly over the interval); lag is measured from here
 * @param epoch      the membership epoch the producer scheduled under
 * @param producer   the scheduling producer's name
 * @param pks        the influencers to poll
 */
public record TaskBatch(long tick, long intervalMs, long dueAtMs, long epoch, String producer, int[] pks) {
}
