package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.scheduling.DueOrder.DueVisitor;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which pks this producer schedules, as they fall due: those of the share in force
 * at each pk's due time, plus the work of departed members it was given to redo. A share or
 * a catch-up that starts before the cursor (heard of late) is served at once for the part
 * already passed, less what this producer scheduled there anyway.
 *
 * <p>Pure and single-threaded: the scheduler's loop owns it.
 */
final class Planner {

    private final DueOrder order;
    private final Partitioner partitioner;
    /** Ascending by {@code fromMs}; the first one is in force from before the cursor. */
    private final List<Share> shares = new ArrayList<>();
    private final List<CatchUp> catchUps = new ArrayList<>();
    /** Every pk due before it has been considered. */
    private long cursorMs;

    /** Starts serving {@code first} from its start: what fell due since then is scheduled at the first advance. */
    Planner(DueOrder order, Partitioner partitioner, Share first) {
        this.order = order;
        this.partitioner = partitioner;
        this.shares.add(first);
        this.cursorMs = first.fromMs();
    }

    long cursorMs() {
        return cursorMs;
    }

    Share current() {
        return shares.get(shares.size() - 1);
    }

    /** Serves {@code share} from its start on, in place of any share that starts at or after it. */
    void serve(Share share, DueVisitor schedule) {
        if (share.fromMs() < cursorMs) {
            order.forEachDue(share.fromMs(), cursorMs, (tick, pk, dueMs) -> {
                if (share.owns(partitioner, pk) && !owns(pk, dueMs)) {
                    schedule.due(tick, pk, dueMs);
                }
            });
        }
        shares.removeIf(existing -> existing.fromMs() >= share.fromMs());
        shares.add(share);
    }

    /** Redoes what a departed member may have left undone, as far as it falls to this producer. */
    void catchUp(CatchUp catchUp, DueVisitor schedule) {
        if (catchUp.fromMs() < cursorMs) {
            order.forEachDue(catchUp.fromMs(), Math.min(catchUp.untilMs(), cursorMs), (tick, pk, dueMs) -> {
                if (catchUp.owns(partitioner, pk, dueMs) && !owns(pk, dueMs)) {
                    schedule.due(tick, pk, dueMs);
                }
            });
        }
        catchUps.add(catchUp);
    }

    /** Schedules what falls due up to and including {@code nowMs}. */
    void advance(long nowMs, DueVisitor schedule) {
        if (nowMs < cursorMs) {
            return;
        }
        order.forEachDue(cursorMs, nowMs + 1, (tick, pk, dueMs) -> {
            if (owns(pk, dueMs)) {
                schedule.due(tick, pk, dueMs);
            }
        });
        cursorMs = nowMs + 1;
        // A share or catch-up heard of late looks back at most this far; older history can go.
        long keepFrom = cursorMs - 2 * order.intervalMs();
        while (shares.size() > 1 && shares.get(1).fromMs() <= keepFrom) {
            shares.remove(0);
        }
        catchUps.removeIf(catchUp -> catchUp.untilMs() <= keepFrom);
    }

    private boolean owns(int pk, long dueMs) {
        Share inForce = null;
        for (Share share : shares) {
            if (share.fromMs() > dueMs) {
                break;
            }
            inForce = share;
        }
        if (inForce != null && inForce.owns(partitioner, pk)) {
            return true;
        }
        for (CatchUp catchUp : catchUps) {
            if (catchUp.covers(dueMs) && catchUp.owns(partitioner, pk, dueMs)) {
                return true;
            }
        }
        return false;
    }
}
