package io.mockstagram.bench.soak;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Task batches the fetchers skipped because their tick was long over, summed over every fetcher
 * process that ever ran: a killed fetcher's counter dies with it, so the last value scraped from
 * each process is kept.
 */
final class SkipCounter {

    private static final String METRIC = "mockstagram_fetch_tasks_expired_total";

    private final SoakCluster cluster;
    private final SoakHttp http;
    private final Map<Long, Double> lastByPid = new HashMap<>();

    SkipCounter(SoakCluster cluster, SoakHttp http) {
        this.cluster = cluster;
        this.http = http;
    }

    synchronized void scrape() {
        for (RoleSlot fetcher : cluster.fetchers()) {
            long pid = fetcher.pid();
            SoakHttp.Answer metrics = http.get(fetcher.port(), "/metrics", Duration.ofSeconds(2));
            if (metrics.ok()) {
                lastByPid.merge(pid, valueOf(metrics.body()), Math::max);
            }
        }
    }

    synchronized long total() {
        return Math.round(lastByPid.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    private static double valueOf(String metrics) {
        double sum = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(METRIC + " ") || line.startsWith(METRIC + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
