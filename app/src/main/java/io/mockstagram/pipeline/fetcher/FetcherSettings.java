package io.mockstagram.pipeline.fetcher;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Durations;
import io.mockstagram.config.Setting;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * A fetcher's configuration.
 *
 * @param concurrency      API calls under way at once
 * @param connections      keep-alive connections to the API
 * @param pipelining       requests in flight on one connection
 * @param batchesInFlight  task batches taken from the queue at once
 * @param maxAttempts      calls per pk before it is dead-lettered
 * @param requestTimeout   how long one call may take
 * @param interval         the polling interval (to spread classification over the period)
 * @param classifyEvery    how often each influencer is classified suspicious or not
 * @param classifyInFlight classification calls under way at once; 0 turns classification off
 * @param ackWait          how long a taken task batch stays with this fetcher before another may take it
 * @param database         where the pks given up on are recorded
 */
public record FetcherSettings(ClusterSettings cluster, DatabaseSettings database, int httpPort, URI apiUrl, int concurrency, int connections,
                              int pipelining, int batchesInFlight, int maxAttempts, Duration requestTimeout,
                              Duration interval, Duration classifyEvery, int classifyInFlight, Duration ackWait) {

    public static final String DEFAULT_API_URL = "http://localhost:3000";

    public FetcherSettings {
        positive("--concurrency", concurrency);
        positive("--connections", connections);
        positive("--pipelining", pipelining);
        positive("--batches-in-flight", batchesInFlight);
        positive("--max-attempts", maxAttempts);
        if (classifyInFlight < 0) {
            throw new ConfigException("--classify-in-flight must not be negative, was " + classifyInFlight);
        }
    }

    private static void positive(String flag, int value) {
        if (value < 1) {
            throw new ConfigException(flag + " must be at least 1, was " + value);
        }
    }

    public static URI apiUrl(String flagValue, Map<String, String> env) {
        Setting setting = Setting.resolve(flagValue, "--api-url", env, DEFAULT_API_URL, "MOCKSTAGRAM_API_URL");
        URI uri = setting.as(URI::create, "a URL");
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw setting.error("the API URL is http://host:port, as in " + DEFAULT_API_URL);
        }
        return uri;
    }

    static Duration duration(String flagValue, String flag, String variable, Duration fallback, Map<String, String> env) {
        return Setting.resolve(flagValue, flag, env, Durations.format(fallback), variable).as(Durations::parse, "a duration");
    }
}
