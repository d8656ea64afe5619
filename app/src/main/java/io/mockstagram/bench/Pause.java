package io.mockstagram.bench;

import java.time.Duration;

/** The wait between two polls of a benchmark, which has nothing else to do meanwhile. */
public final class Pause {

    private Pause() {
    }

    /** Waits {@code duration}; an interrupt ends the benchmark. */
    public static void of(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
