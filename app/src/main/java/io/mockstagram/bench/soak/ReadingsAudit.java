package io.mockstagram.bench.soak;

import com.fasterxml.jackson.databind.JsonNode;
import io.mockstagram.infra.Json;

import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Audits what PostgreSQL holds once the pipeline has drained: every quiet interval (no fault
 * struck in it or in the one before) has every pk, and every reading the API served was stored,
 * dead-lettered or skipped.
 */
final class ReadingsAudit {

    /** A span of wall-clock time during which something disturbed the system: a fault, or a checkpoint's pause. */
    record Window(long fromMs, long toMs) {
        boolean overlaps(long startMs, long endMs) {
            return fromMs < endMs && toMs >= startMs;
        }
    }

    record Coverage(int quietIntervals, int uncoveredQuietIntervals) {
    }

    record Loss(long servedPairs, long lostPairs, long servedWithoutScheduledAt) {
    }

    private final int influencers;
    private final Duration interval;
    private final Violations violations;

    ReadingsAudit(int influencers, Duration interval, Violations violations) {
        this.influencers = influencers;
        this.interval = interval;
        this.violations = violations;
    }

    Coverage coverage(Map<Long, BitSet> stored, List<Window> struck, long firstTick, long lastTick) {
        long ms = interval.toMillis();
        int quiet = 0;
        int uncovered = 0;
        for (long tick = firstTick; tick <= lastTick; tick++) {
            long start = tick * ms;
            if (isStruck(struck, start, start + ms) || isStruck(struck, start - ms, start)) {
                continue;
            }
            quiet++;
            int count = stored.getOrDefault(start, new BitSet()).cardinality();
            if (count < influencers) {
                uncovered++;
                violations.note("uncovered-interval", "tick " + tick + " (" + java.time.Instant.ofEpochMilli(start)
                        + ") has " + count + " of " + influencers + " pks");
            }
        }
        return new Coverage(quiet, uncovered);
    }

    private static boolean isStruck(List<Window> struck, long startMs, long endMs) {
        return struck.stream().anyMatch(w -> w.overlaps(startMs, endMs));
    }

    /** Pairs the API served that PostgreSQL does not hold and no dead letter names. */
    Loss loss(String servedJson, Map<Long, BitSet> stored, Set<String> deadLetters) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(servedJson);
        } catch (Exception e) {
            throw new IllegalStateException("the API's record of what it served is unreadable: " + e.getMessage(), e);
        }
        Map<Long, BitSet> served = new HashMap<>();
        for (JsonNode time : root.path("served")) {
            BitSet bits = new BitSet();
            for (JsonNode range : time.path("ranges")) {
                bits.set((int) (range.get(0).asLong() - StoredReadings.FIRST_PK), (int) (range.get(1).asLong() - StoredReadings.FIRST_PK) + 1);
            }
            served.put(time.path("scheduledAtMs").asLong(), bits);
        }
        long servedPairs = 0;
        long lost = 0;
        for (var entry : served.entrySet()) {
            BitSet missing = (BitSet) entry.getValue().clone();
            servedPairs += missing.cardinality();
            missing.andNot(stored.getOrDefault(entry.getKey(), new BitSet()));
            for (int offset = missing.nextSetBit(0); offset >= 0; offset = missing.nextSetBit(offset + 1)) {
                int pk = StoredReadings.FIRST_PK + offset;
                if (!deadLetters.contains(DeadLetters.key(pk, entry.getKey()))) {
                    lost++;
                    violations.note("reading-lost", "pk " + pk + " served for " + java.time.Instant.ofEpochMilli(entry.getKey())
                            + " but neither stored nor dead-lettered");
                }
            }
        }
        return new Loss(servedPairs, lost, root.path("unscheduled").asLong());
    }
}
