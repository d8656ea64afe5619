package io.mockstagram.pipeline.fetcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mockstagram.pipeline.Verdict;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Asks the API, once per classification period, whether each influencer looks suspicious.
 *
 * <p>Which tick classifies a pk follows from the pk itself, spreading a million pks evenly
 * over the period with no state to keep. The calls take about a second each, so they run
 * beside polling with a small bound of their own: when that bound is full, the pk waits
 * for the next period rather than slow the polling down.
 */
final class Classifier {

    private static final Logger log = LoggerFactory.getLogger(Classifier.class);

    private final ApiClient api;
    /** Verdicts not yet sent: they travel with the next reading batch, so the updaters store them with the readings. */
    private final Queue<Verdict> verdicts = new ConcurrentLinkedQueue<>();
    private final long periodTicks;
    private final int maxInFlight;
    private int inFlight;
    private final Counter classified;
    private final Counter deferred;
    private final Counter failed;

    Classifier(ApiClient api, Duration period, Duration interval, int maxInFlight, MeterRegistry registry) {
        this.api = api;
        this.periodTicks = Math.max(1, period.toMillis() / interval.toMillis());
        this.maxInFlight = maxInFlight;
        this.classified = Counter.builder("mockstagram.classify.done").register(registry);
        this.deferred = Counter.builder("mockstagram.classify.deferred")
                .description("Classifications put off to the next period because too many were under way").register(registry);
        this.failed = Counter.builder("mockstagram.classify.failed").register(registry);
    }

    /** The verdicts that came since the last call, to send with the next reading batch. */
    List<Verdict> takeVerdicts() {
        List<Verdict> taken = new ArrayList<>();
        for (Verdict verdict; (verdict = verdicts.poll()) != null; ) {
            taken.add(verdict);
        }
        return taken;
    }

    boolean isDue(int pk, long tick) {
        long slot = Integer.toUnsignedLong(pk * 0x9E3779B1) % periodTicks;
        return slot == Math.floorMod(tick, periodTicks);
    }

    /** Runs on the fetch engine's event loop, like the engine itself. */
    void consider(int pk, long tick, ApiClient.Counts counts) {
        if (maxInFlight == 0 || !isDue(pk, tick)) {
            return;
        }
        if (inFlight >= maxInFlight) {
            deferred.increment();
            return;
        }
        inFlight++;
        api.isSuspicious(pk, counts).onComplete(outcome -> {
            inFlight--;
            if (outcome.failed()) {
                failed.increment();
                log.debug("could not classify {}: {}", pk, outcome.cause().getMessage());
                return;
            }
            classified.increment();
            verdicts.add(new Verdict(pk, outcome.result(), System.currentTimeMillis()));
        });
    }
}
