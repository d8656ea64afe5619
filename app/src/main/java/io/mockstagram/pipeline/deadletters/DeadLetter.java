package io.mockstagram.pipeline.deadletters;

import java.time.Instant;

/**
 * A pk the pipeline gave up on for one tick, and why.
 *
 * @param scheduledAt the start of the tick it was due in (as {@code readings.scheduled_at})
 * @param attempts    API calls (fetch) or deliveries of its batch (store) before giving up
 */
public record DeadLetter(int pk, Instant scheduledAt, Stage stage, String reason, int attempts) {

    /** Reasons are error messages: kept whole enough to read, never large. */
    static final int MAX_REASON = 500;

    public DeadLetter {
        reason = reason == null || reason.isBlank() ? "unknown" : reason;
        if (reason.length() > MAX_REASON) {
            reason = reason.substring(0, MAX_REASON - 3) + "...";
        }
    }

    /** Where in the pipeline the pk was given up on. */
    public enum Stage {
        /** A fetcher: the API kept failing for the pk, or its task came too late to fetch. */
        FETCH,
        /** An updater: the reading batch could not be stored within its deliveries. */
        STORE;

        String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Stage ofColumn(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
