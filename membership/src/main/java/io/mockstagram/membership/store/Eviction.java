package io.mockstagram.membership.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of an eviction pass.
 *
 * @param outcome    what the pass did
 * @param epoch      the epoch after the pass
 * @param nextExpiry how long until the next lease can run out, if any member holds one
 * @param evicted    the members removed, in the order they were removed
 */
public record Eviction(Outcome outcome, long epoch, Optional<Duration> nextExpiry, List<String> evicted) {

    public enum Outcome {
        /** The pass ran; {@link #evicted()} may be empty. */
        EVICTED,
        /** The caller does not hold the leader lease; nothing was done. */
        NOT_LEADER,
        /** The keys contradict each other; nothing was done; {@link RedisMembershipStore#repair} rebuilds. */
        INCONSISTENT,
        /** The map is older than the caller's epoch floor; nothing was done; repair rebuilds. */
        OLDER_MAP
    }

    /** True when the caller held the leader lease and the pass ran. */
    public boolean leader() {
        return outcome == Outcome.EVICTED;
    }

    /** True when the map must be rebuilt before anyone can act on it. */
    public boolean needsRepair() {
        return outcome == Outcome.INCONSISTENT || outcome == Outcome.OLDER_MAP;
    }

    @SuppressWarnings("unchecked")
    static Eviction parse(List<Object> raw) {
        long nextExpiryMs = (Long) raw.get(2);
        return new Eviction(Outcome.valueOf((String) raw.get(0)), (Long) raw.get(1),
                nextExpiryMs < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(nextExpiryMs)),
                (List<String>) (List<?>) raw.subList(3, raw.size()));
    }
}
