package io.mockstagram.api;

import io.mockstagram.config.ConfigException;
import io.mockstagram.config.Setting;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * The mock API's configuration, parsed and checked once at start-up.
 *
 * @param influencers how many influencers exist: pks 1000000..1000000+influencers-1
 * @param seed        sets the starting counts and the noise, so that a run can be repeated
 * @param faults      failures to inject, for testing clients
 * @param recordServed whether to remember which pks were answered for which scheduled time ({@code GET /api/v1/served})
 */
public record ApiSettings(int influencers, long seed, int httpPort, String instance, Faults faults, boolean recordServed) {

    public static final int DEFAULT_INFLUENCERS = 1_000_000;
    public static final int MAX_INFLUENCERS = 10_000_000;
    public static final int DEFAULT_HTTP_PORT = 3000;

    public ApiSettings {
        if (influencers < 1 || influencers > MAX_INFLUENCERS) {
            throw new ConfigException("--influencers must be between 1 and " + MAX_INFLUENCERS + ", not " + influencers);
        }
        if (httpPort < 0 || httpPort > 65535) {
            throw new ConfigException("--http-port " + httpPort + " is not a TCP port (0-65535; 0 picks a free one)");
        }
    }

    public ApiSettings(int influencers, long seed, int httpPort, String instance, Faults faults) {
        this(influencers, seed, httpPort, instance, faults, false);
    }

    static ApiSettings resolve(Integer influencers, Long seed, Integer httpPort, Faults faults, Map<String, String> env) {
        return resolve(influencers, seed, httpPort, faults, false, env);
    }

    static ApiSettings resolve(Integer influencers, Long seed, Integer httpPort, Faults faults, boolean recordServed,
                               Map<String, String> env) {
        Setting count = Setting.resolve(influencers == null ? null : influencers.toString(), "--influencers", env,
                Integer.toString(DEFAULT_INFLUENCERS), "MOCKSTAGRAM_INFLUENCERS");
        int n = count.as(Integer::parseInt, "a whole number");
        if (n < 1 || n > MAX_INFLUENCERS) {
            throw count.error("must be between 1 and " + MAX_INFLUENCERS);
        }
        return new ApiSettings(n, seed != null ? seed : new SplittableRandom().nextLong(),
                httpPort == null ? DEFAULT_HTTP_PORT : httpPort, instance(env), faults, recordServed);
    }

    private static String instance(Map<String, String> env) {
        for (String variable : new String[] {"POD_NAME", "HOSTNAME"}) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return "api-" + ProcessHandle.current().pid();
    }
}
