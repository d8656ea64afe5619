package io.mockstagram.bench.soak;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The first few examples of each kind of violation, with when they were seen, for the report and the log. */
final class Violations {

    private static final int EXAMPLES_PER_KIND = 3;

    private volatile long startMs = System.currentTimeMillis();
    private final Map<String, List<String>> examples = new LinkedHashMap<>();

    /** Examples are timed from here on: the start of the faults. */
    void startClock(long startMs) {
        this.startMs = startMs;
    }

    synchronized void note(String kind, String what) {
        List<String> kept = examples.computeIfAbsent(kind, ignored -> new ArrayList<>());
        if (kept.size() < EXAMPLES_PER_KIND) {
            kept.add(String.format("%.1fs: %s", (System.currentTimeMillis() - startMs) / 1000.0, what));
        }
    }

    synchronized Map<String, List<String>> examples() {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        examples.forEach((kind, list) -> copy.put(kind, List.copyOf(list)));
        return copy;
    }
}
