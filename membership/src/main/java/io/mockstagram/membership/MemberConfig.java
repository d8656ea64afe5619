package io.mockstagram.membership;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How one member takes part.
 *
 * @param keys      where the membership lives in Redis
 * @param name      the member's stable name (a pod or host name); unique among live members
 * @param lease     how long Redis keeps the member after its last renewal
 * @param heartbeat how often the member renews
 */
public record MemberConfig(MembershipKeys keys, String name, Duration lease, Duration heartbeat) {

    public static final Duration DEFAULT_LEASE = Duration.ofMillis(3000);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMillis(1000);

    /** Names travel in space-separated change notices. */
    private static final Pattern VALID_NAME = Pattern.compile("\\S{1,200}");

    public MemberConfig {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(heartbeat, "heartbeat");
        if (name == null || !VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a member name is 1-200 characters without spaces, was '" + name + "'");
        }
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("heartbeat must be positive, was " + heartbeat.toMillis() + " ms");
        }
        if (lease.compareTo(heartbeat.multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("lease (" + lease.toMillis() + " ms) must be at least three heartbeats ("
                    + heartbeat.multipliedBy(3).toMillis() + " ms), so that a member renews before it fences itself");
        }
    }

    /**
     * How long after sending its last successful renewal a member keeps acting.
     * Half the lease leaves room for a slow reply and for clocks that run at
     * slightly different rates, so a member always stops before Redis can evict it.
     */
    public Duration fenceAfter() {
        return lease.dividedBy(2);
    }
}
