package io.mockstagram.api;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which pks the API answered, per scheduled time (the {@code X-Scheduled-At} a caller sends),
 * so that a soak can check that every reading served was stored, dead-lettered or skipped.
 * One bit per influencer per scheduled time; only the newest {@link #MAX_TIMES} times are kept.
 */
final class ServedLog {

    static final String HEADER = "X-Scheduled-At";
    private static final int MAX_TIMES = 4096;

    /** The pks answered for one scheduled time, as inclusive ranges: a whole interval is one range. */
    record Served(long scheduledAtMs, int count, List<long[]> ranges) {
    }

    private final ConcurrentSkipListMap<Long, BitSet> byTime = new ConcurrentSkipListMap<>();
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
        BitSet bits = byTime.computeIfAbsent(at, ignored -> new BitSet());
        synchronized (bits) {
            bits.set((int) (pk - firstPk));
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
        for (Map.Entry<Long, BitSet> entry : byTime.tailMap(sinceMs, true).entrySet()) {
            BitSet bits;
            synchronized (entry.getValue()) {
                bits = (BitSet) entry.getValue().clone();
            }
            List<long[]> ranges = new ArrayList<>();
            for (int from = bits.nextSetBit(0); from >= 0; ) {
                int to = bits.nextClearBit(from);
                ranges.add(new long[] {firstPk + from, firstPk + to - 1});
                from = bits.nextSetBit(to);
            }
            served.add(new Served(entry.getKey(), bits.cardinality(), ranges));
        }
        return served;
    }
}
