package io.mockstagram.api;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which pks the API answered, per scheduled time (the {@code X-Scheduled-At} a caller sends),
 * so that a soak can check that every reading served was stored, dead-lettered or skipped, and
 * count the influencers fetched more than once for one interval (only answered GETs count, so a
 * retry after an injected failure is no duplicate).
 * One bit per influencer per scheduled time; only the newest {@link #MAX_TIMES} times are kept.
 */
final class ServedLog {

    static final String HEADER = "X-Scheduled-At";
    private static final int MAX_TIMES = 4096;

    /**
     * The pks answered for one scheduled time, as inclusive ranges (a whole interval is one
     * range), and how many answers repeated a pk already answered for that time.
     */
    record Served(long scheduledAtMs, int count, long duplicates, List<long[]> ranges) {
    }

    /** The pks answered for one scheduled time, and the answers beyond the first for the same pk. */
    private static final class Answers {
        final BitSet pks = new BitSet();
        long duplicates;
    }

    private final ConcurrentSkipListMap<Long, Answers> byTime = new ConcurrentSkipListMap<>();
    private final long firstPk;
    private long unscheduled;

    ServedLog(long firstPk) {
        this.firstPk = firstPk;
    }

    /** Records an answer; {@code scheduledAt} is the header's text, and a request without one is only counted. */
    void answered(long pk, String scheduledAt) {
        long at;
        try {
            at = scheduledAt == null ? -1 : Long.parseLong(scheduledAt.strip());
        } catch (NumberFormatException e) {
            at = -1;
        }
        if (at < 0) {
            synchronized (this) {
                unscheduled++;
            }
            return;
        }
        Answers answers = byTime.computeIfAbsent(at, ignored -> new Answers());
        int index = (int) (pk - firstPk);
        synchronized (answers) {
            if (answers.pks.get(index)) {
                answers.duplicates++;
            } else {
                answers.pks.set(index);
            }
        }
        while (byTime.size() > MAX_TIMES) {
            byTime.pollFirstEntry();
        }
    }

    synchronized long unscheduled() {
        return unscheduled;
    }

    List<Served> since(long sinceMs) {
        List<Served> served = new ArrayList<>();
        for (Map.Entry<Long, Answers> entry : byTime.tailMap(sinceMs, true).entrySet()) {
            BitSet bits;
            long duplicates;
            synchronized (entry.getValue()) {
                bits = (BitSet) entry.getValue().pks.clone();
                duplicates = entry.getValue().duplicates;
            }
            List<long[]> ranges = new ArrayList<>();
            for (int from = bits.nextSetBit(0); from >= 0; ) {
                int to = bits.nextClearBit(from);
                ranges.add(new long[] {firstPk + from, firstPk + to - 1});
                from = bits.nextSetBit(to);
            }
            served.add(new Served(entry.getKey(), bits.cardinality(), duplicates, ranges));
        }
        return served;
    }
}
