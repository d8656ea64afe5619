package io.mockstagram.pipeline.scheduling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pks that fell due, gathered per tick into batches: a batch goes out once it is full, or
 * once its first pk has waited {@code holdMs}, so that a slow trickle of pks does not become
 * a stream of tiny messages and no pk waits long.
 */
final class BatchBuffer {

    /** A batch ready to publish: pks of one tick, due from {@code dueAtMs} on. */
    record Ready(long tick, long dueAtMs, int[] pks) {
    }

    private static final class Open {
        /** The earliest due time among its pks. */
        long dueAtMs;
        int[] pks;
        int size;

        Open(long dueAtMs, int capacity) {
            this.dueAtMs = dueAtMs;
            this.pks = new int[capacity];
        }
    }

    private final int batchSize;
    private final long holdMs;
    private final Map<Long, Open> open = new TreeMap<>();
    private final List<Ready> ready = new ArrayList<>();

    BatchBuffer(int batchSize, long holdMs) {
        this.batchSize = batchSize;
        this.holdMs = holdMs;
    }

    void add(long tick, int pk, long dueMs) {
        Open batch = open.computeIfAbsent(tick, ignored -> new Open(dueMs, Math.min(batchSize, 64)));
        if (batch.size == batch.pks.length) {
            batch.pks = Arrays.copyOf(batch.pks, Math.min(batchSize, batch.pks.length * 2));
        }
        batch.pks[batch.size++] = pk;
        batch.dueAtMs = Math.min(batch.dueAtMs, dueMs);
        if (batch.size == batchSize) {
            ready.add(new Ready(tick, batch.dueAtMs, batch.pks));
            open.remove(tick);
        }
    }

    /** The batches to publish now, oldest first: every full one, and those held long enough (or all, when flushing). */
    List<Ready> take(long nowMs, boolean flush) {
        for (Iterator<Map.Entry<Long, Open>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Open> entry = it.next();
            Open batch = entry.getValue();
            if (flush || nowMs - batch.dueAtMs >= holdMs) {
                ready.add(new Ready(entry.getKey(), batch.dueAtMs, Arrays.copyOf(batch.pks, batch.size)));
                it.remove();
            }
        }
        List<Ready> taken = List.copyOf(ready);
        ready.clear();
        return taken;
    }

    /** The due time of the earliest pk not yet taken; MAX_VALUE when none is held. */
    long earliestHeldMs() {
        long earliest = Long.MAX_VALUE;
        for (Ready batch : ready) {
            earliest = Math.min(earliest, batch.dueAtMs());
        }
        for (Open batch : open.values()) {
            earliest = Math.min(earliest, batch.dueAtMs);
        }
        return earliest;
    }
}
