package io.mockstagram.pipeline.scheduling;

import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.RedisMembershipStore;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The membership changelog, as the scheduler reads it to hand work over. */
@FunctionalInterface
public interface ChangeHistory {

    /** How many of the newest entries a handover reads: far more than change within a lease. */
    int DEPTH = 64;

    /** The newest {@code max} changes, oldest first; throws when Redis does not answer. */
    List<MembershipChange> latest(int max) throws Exception;

    static ChangeHistory of(RedisMembershipStore store, Duration timeout) {
        return max -> store.latestChanges(max).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
