package io.mockstagram.pipeline;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.nats.client.JetStreamApiException;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the batches a full work queue refused. The queues discard new messages when full
 * (see {@link PipelineStreams}), so a drop is always a refused publish, seen by the publisher:
 * it counts it here, in its metrics ({@code mockstagram_stream_dropped_total}) and in Redis
 * for the pipeline page.
 */
public final class StreamDrops {

    /** A work queue of the pipeline. */
    public enum Queue {
        TASKS, READINGS;

        public String field() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** JetStream's "stream store failed", which a stream at its limits answers to a publish. */
    static final int STREAM_STORE_FAILED = 10077;

    private final PipelineStats stats;
    private final Map<Queue, Counter> counters = new EnumMap<>(Queue.class);

    public StreamDrops(PipelineStats stats, MeterRegistry registry) {
        this.stats = stats;
        for (Queue queue : Queue.values()) {
            counters.put(queue, Counter.builder("mockstagram.stream.dropped").tag("queue", queue.field())
                    .description("Batches a full work queue refused (DiscardNew), lost to the pipeline").register(registry));
        }
    }

    /** Whether a publish failed because the stream was full, rather than for a passing reason. */
    public static boolean isLimitRejection(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof JetStreamApiException api) {
                String text = String.valueOf(api.getErrorDescription()).toLowerCase(Locale.ROOT);
                return api.getApiErrorCode() == STREAM_STORE_FAILED
                        || text.contains("maximum") && text.contains("exceeded");
            }
        }
        return false;
    }

    /** One batch refused by {@code queue}. */
    public void dropped(Queue queue) {
        counters.get(queue).increment();
        // A hint for the page; the metric is the record.
        stats.recordDrop(queue.field());
    }
}
