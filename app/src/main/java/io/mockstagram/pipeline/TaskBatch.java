package io.mockstagram.pipeline;

/**
 * Pks a producer scheduled for one tick, sent to the fetchers through the tasks work queue.
 *
 * @param tick          the tick's index
 * @param intervalMs    the interval the tick counts in
 * @param dueAtMs       when the batch was due (ticks are spread evenly over the interval); lag is measured from here
 * @param epoch         the membership epoch the producer scheduled under
 * @param producer      the scheduling producer's name
 * @param pks           the influencers to poll
 * @param scheduledAtMs the start of the tick, epoch ms: unlike the index, comparable across intervals. Batches
 *                      from before it was carried (0 in their JSON) get it from their tick.
 */
public record TaskBatch(long tick, long intervalMs, long dueAtMs, long epoch, String producer, int[] pks,
                        long scheduledAtMs) {

    public TaskBatch {
        if (scheduledAtMs == 0) {
            scheduledAtMs = tick * intervalMs;
        }
    }

    public TaskBatch(long tick, long intervalMs, long dueAtMs, long epoch, String producer, int[] pks) {
        this(tick, intervalMs, dueAtMs, epoch, producer, pks, tick * intervalMs);
    }

    /** When the tick ends, epoch ms. */
    public long endsAtMs() {
        return scheduledAtMs + intervalMs;
    }
}
