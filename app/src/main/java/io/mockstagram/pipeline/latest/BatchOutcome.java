package io.mockstagram.pipeline.latest;

import java.util.List;

/**
 * What copying aggregate rows into the view did.
 *
 * @param applied rows taken: the view had no row for the pk, or one with fewer readings
 * @param stale   rows left out because the view had the same or a newer one (a redelivery, or a
 *                rebuild reaching a pk a live write had brought up to date)
 */
public record BatchOutcome(int applied, int stale) {

    public static final BatchOutcome NOTHING = new BatchOutcome(0, 0);

    BatchOutcome plus(BatchOutcome other) {
        return new BatchOutcome(applied + other.applied, stale + other.stale);
    }

    static BatchOutcome parse(List<Object> raw) {
        return new BatchOutcome(Math.toIntExact((Long) raw.get(0)), Math.toIntExact((Long) raw.get(1)));
    }
}
