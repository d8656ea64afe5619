package io.mockstagram.api;

import io.mockstagram.config.ConfigException;
import io.mockstagram.config.Durations;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * Failures the mock API injects on purpose, so that clients can be tested against a third
 * party that errs and stalls: a share of reads answered 503, a share answered late, and pks
 * that always fail with 500.
 */
record Faults(double failRate, double slowRate, Duration slowDelay, Set<Long> brokenPks) {

    static final Faults NONE = new Faults(0, 0, Duration.ZERO, Set.of());

    /** How one read is to be answered. */
    enum Fate { ANSWER, FAIL, BREAK, DELAY }

    Faults {
        if (failRate < 0 || failRate > 1 || slowRate < 0 || slowRate > 1) {
            throw new ConfigException("--fail-rate and --slow-rate are shares between 0 and 1, were " + failRate
                    + " and " + slowRate);
        }
        brokenPks = Set.copyOf(brokenPks);
    }

    static Faults parse(Double failRate, Double slowRate, String slowDelay, String brokenPks) {
        Set<Long> broken = Set.of();
        if (brokenPks != null && !brokenPks.isBlank()) {
            try {
                broken = Arrays.stream(brokenPks.split(",")).map(String::trim).map(Long::parseLong).collect(Collectors.toSet());
            } catch (NumberFormatException e) {
                throw new ConfigException("--broken-pks='" + brokenPks + "' is not a comma-separated list of pks");
            }
        }
        Duration delay;
        try {
            delay = slowDelay == null ? Duration.ofSeconds(5) : Durations.parse(slowDelay);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--slow-delay='" + slowDelay + "' is not a duration: " + e.getMessage());
        }
        return new Faults(failRate == null ? 0 : failRate, slowRate == null ? 0 : slowRate, delay, broken);
    }

    Fate fateOf(long pk) {
        if (brokenPks.contains(pk)) {
            return Fate.BREAK;
        }
        if (failRate == 0 && slowRate == 0) {
            return Fate.ANSWER;
        }
        double draw = ThreadLocalRandom.current().nextDouble();
        if (draw < failRate) {
            return Fate.FAIL;
        }
        return draw < failRate + slowRate ? Fate.DELAY : Fate.ANSWER;
    }
}
