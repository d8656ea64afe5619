package io.mockstagram.pipeline.latest;

import java.util.List;

/**
 * What applying one reading batch did.
 *
 * @param applied    readings counted now: a (pk, tick) seen for the first time
 * @param duplicates readings whose (pk, tick) had been counted already (a redelivery or a republished share)
 * @param tooOld     readings so much older than their pk's newest that they can no longer be told
 *                   apart from duplicates, and so were left out
 */
public record BatchOutcome(int applied, int duplicates, int tooOld) {

    public static final BatchOutcome NOTHING = new BatchOutcome(0, 0, 0);

    BatchOutcome plus(BatchOutcome other) {
        return new BatchOutcome(applied + other.applied, duplicates + other.duplicates, tooOld + other.tooOld);
    }

    static BatchOutcome parse(List<Object> raw) {
        return new BatchOutcome(
                Math.toIntExact((Long) raw.get(0)),
                Math.toIntExact((Long) raw.get(1)),
                Math.toIntExact((Long) raw.get(2)));
    }
}
