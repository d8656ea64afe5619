package io.mockstagram.config;

import io.mockstagram.membership.MemberConfig;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Named lease timings, chosen with {@code --profile} or {@value #VARIABLE}; an explicit
 * {@code --lease-ms}, {@code --heartbeat-ms} (or their variables) still wins over the profile.
 * {@link #FAST} detects a crash in about a second instead of three, for four renewals a second
 * per producer instead of one.
 *
 * @param lease           a producer's lease
 * @param heartbeat       a producer's renewal period
 * @param nurseLease      the acting nurse's leader lease: a standby takes over within it
 * @param nurseScan       the longest the acting nurse waits between eviction passes
 */
public record LeaseProfile(String name, Duration lease, Duration heartbeat, Duration nurseLease, Duration nurseScan) {

    public static final String VARIABLE = "MOCKSTAGRAM_PROFILE";

    public static final LeaseProfile STANDARD = new LeaseProfile("standard", MemberConfig.DEFAULT_LEASE,
            MemberConfig.DEFAULT_HEARTBEAT, Duration.ofMillis(3000), Duration.ofMillis(500));
    public static final LeaseProfile FAST = new LeaseProfile("fast", Duration.ofMillis(1000), Duration.ofMillis(250),
            Duration.ofMillis(1500), Duration.ofMillis(250));

    /** The profile {@code flag} names, else {@value #VARIABLE}, else standard. */
    public static LeaseProfile resolve(String flag, Map<String, String> env) {
        return Setting.resolve(flag, "--profile", env, STANDARD.name, VARIABLE)
                .as(LeaseProfile::named, "a profile (standard or fast)");
    }

    static LeaseProfile named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "standard" -> STANDARD;
            case "fast" -> FAST;
            default -> throw new IllegalArgumentException("unknown profile");
        };
    }
}
