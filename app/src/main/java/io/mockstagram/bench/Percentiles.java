package io.mockstagram.bench;

import java.util.List;

/** Nearest-rank percentiles of a set of samples. */
public record Percentiles(List<Double> sorted) {

    public static Percentiles of(List<Double> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        return new Percentiles(samples.stream().sorted().toList());
    }

    public double at(double percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    public double p50() {
        return at(50);
    }

    public double p99() {
        return at(99);
    }

    public int count() {
        return sorted.size();
    }
}
