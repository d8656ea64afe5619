package io.mockstagram.membership.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of an eviction pass.
 *
 * @param leader     false when the caller does not hold the leader lease and nothing was done
 * @param epoch      the epoch after the pass
 * @param nextExpiry how long until the next lease can run out, if any member holds one
 * @param evicted    the members removed, in the order they were removed
 */
public record Eviction(boolean leader, long epoch, Optional<Duration> nextExpiry, List<String> evicted) {

    @SuppressWarnings("unchecked")
    static Eviction parse(List<Object> raw) {
        long nextExpiryMs = (Long) raw.get(2);
        return new Eviction("EVICTED".equals(raw.get(0)), (Long) raw.get(1),
                nextExpiryMs < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(nextExpiryMs)),
                (List<String>) (List<?>) raw.subList(3, raw.size()));
    }
}
