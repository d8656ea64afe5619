package io.mockstagram.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScrapeTest {

    private static final String TEXT = """
            # HELP lag_seconds From due to stored
            lag_seconds_bucket{instance="updater-1",role="updater",le="0.1"} 50
            lag_seconds_bucket{instance="updater-1",role="updater",le="1.0"} 99
            lag_seconds_bucket{instance="updater-1",role="updater",le="+Inf"} 100
            lag_seconds_bucket{instance="updater-2",role="updater",le="0.1"} 50
            lag_seconds_bucket{instance="updater-2",role="updater",le="1.0"} 100
            lag_seconds_bucket{instance="updater-2",role="updater",le="+Inf"} 100
            readings_total{instance="updater-1",role="updater"} 1500.0
            readings_total{instance="updater-2",role="updater"} 500.0
            """;

    @Test
    void countersAreSummedOverTheirSeries() {
        assertThat(Scrape.sum(TEXT, "readings_total")).isEqualTo(2000.0);
    }

    @Test
    void histogramBucketsAreReadByTheirBoundNotByOtherLabels() {
        var buckets = Scrape.buckets(TEXT, "lag_seconds");

        assertThat(buckets).containsEntry(0.1, 100.0).containsEntry(1.0, 199.0)
                .containsEntry(Double.POSITIVE_INFINITY, 200.0);
        assertThat(Scrape.quantile(buckets, 0.5)).isEqualTo(0.1);
        assertThat(Scrape.quantile(buckets, 0.99)).isEqualTo(1.0);
    }

    @Test
    void aLabelNarrowsTheHistogramToTheSeriesThatCarryIt() {
        var buckets = Scrape.buckets(TEXT, "lag_seconds", "instance=\"updater-2\"");

        assertThat(buckets).containsEntry(0.1, 50.0).containsEntry(1.0, 100.0)
                .containsEntry(Double.POSITIVE_INFINITY, 100.0);
    }
}
