package io.mockstagram.bench.soak;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a soak found. It passes when every violation count is 0, at least
 * {@value #MIN_QUIET_INTERVALS} quiet intervals were checked and at least one answer was.
 */
public record SoakReport(long seed, long durationSeconds, int influencers, long intervalSeconds,
                         Map<String, Integer> faults, List<Map<String, Object>> recoveries, int unrecoveredFaults,
                         long statusSamples, long doubleActiveSamples, long epochRegressions,
                         long densitySamples, long densityViolations,
                         int quietIntervals, int uncoveredQuietIntervals,
                         long readingsServed, long readingsLost, long deadLetters, long skippedTaskBatches,
                         int answerCheckpoints, long answersChecked, long wrongAnswers, long notYetCheckable,
                         Map<String, List<String>> examples) {

    static final int MIN_QUIET_INTERVALS = 5;

    public long violations() {
        return doubleActiveSamples + epochRegressions + densityViolations + uncoveredQuietIntervals + readingsLost
                + wrongAnswers;
    }

    public boolean passed() {
        return violations() == 0 && quietIntervals >= MIN_QUIET_INTERVALS && answersChecked > 0;
    }

    /** The figures in the order the JSON line gives them. */
    public Map<String, Object> figures() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("pass", passed());
        f.put("seed", seed);
        f.put("durationSeconds", durationSeconds);
        f.put("influencers", influencers);
        f.put("intervalSeconds", intervalSeconds);
        f.put("faults", faults);
        f.put("recoveries", recoveries);
        f.put("unrecoveredFaults", unrecoveredFaults);
        f.put("statusSamples", statusSamples);
        f.put("doubleActiveSamples", doubleActiveSamples);
        f.put("epochRegressions", epochRegressions);
        f.put("densitySamples", densitySamples);
        f.put("densityViolations", densityViolations);
        f.put("quietIntervals", quietIntervals);
        f.put("uncoveredQuietIntervals", uncoveredQuietIntervals);
        f.put("readingsServed", readingsServed);
        f.put("readingsLost", readingsLost);
        f.put("deadLetters", deadLetters);
        f.put("skippedTaskBatches", skippedTaskBatches);
        f.put("answerCheckpoints", answerCheckpoints);
        f.put("answersChecked", answersChecked);
        f.put("wrongAnswers", wrongAnswers);
        f.put("notYetCheckable", notYetCheckable);
        f.put("examples", examples);
        return f;
    }
}
