package io.mockstagram.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Requests answered, by endpoint and status. The usual statuses are registered up front, so
 * that they show as zero before they happen and the hot path never looks a counter up.
 */
final class ApiMetrics {

    enum Endpoint {
        INFLUENCER("influencer"), IS_SUSPICIOUS("is_suspicious");

        private final String tag;

        Endpoint(String tag) {
            this.tag = tag;
        }
    }

    private static final String REQUESTS = "mockstagram.api.requests";

    private final MeterRegistry registry;
    private final Counter influencerOk;
    private final Counter suspiciousOk;

    ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.influencerOk = counter(Endpoint.INFLUENCER, 200);
        this.suspiciousOk = counter(Endpoint.IS_SUSPICIOUS, 200);
        for (Endpoint endpoint : Endpoint.values()) {
            counter(endpoint, 400);
            counter(endpoint, 404);
        }
    }

    void answered(Endpoint endpoint, int status) {
        if (status == 200) {
            (endpoint == Endpoint.INFLUENCER ? influencerOk : suspiciousOk).increment();
        } else {
            counter(endpoint, status).increment();
        }
    }

    private Counter counter(Endpoint endpoint, int status) {
        return Counter.builder(REQUESTS)
                .description("Mock API requests answered")
                .tag("endpoint", endpoint.tag)
                .tag("status", Integer.toString(status))
                .register(registry);
    }
}
