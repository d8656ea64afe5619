package io.mockstagram.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ServedLogTest {

    private final ServedLog log = new ServedLog(1_000_000);

    @Test
    void keepsThePksAnsweredForEachScheduledTimeAsRanges() {
        for (long pk : new long[] {1_000_000, 1_000_001, 1_000_002, 1_000_005}) {
            log.answered(pk, "5000");
        }
        log.answered(1_000_001, "10000");
        log.answered(1_000_001, "10000");

        List<ServedLog.Served> served = log.since(0);

        assertThat(served).extracting(ServedLog.Served::scheduledAtMs).containsExactly(5000L, 10000L);
        assertThat(served.get(0).count()).isEqualTo(4);
        assertThat(served.get(0).ranges()).containsExactly(new long[] {1_000_000, 1_000_002}, new long[] {1_000_005, 1_000_005});
        assertThat(served.get(1).count()).as("a pk served twice for one time counts once").isEqualTo(1);
        assertThat(served.get(1).duplicates()).as("and its second answer is a duplicate").isEqualTo(1);
        assertThat(served.get(0).duplicates()).isZero();
    }

    @Test
    void answersWithoutAScheduledTimeAreOnlyCounted() {
        log.answered(1_000_000, null);
        log.answered(1_000_000, "soon");

        assertThat(log.since(0)).isEmpty();
        assertThat(log.unscheduled()).isEqualTo(2);
    }

    @Test
    void sinceLeavesOutEarlierTimes() {
        log.answered(1_000_000, "5000");
        log.answered(1_000_000, "10000");

        assertThat(log.since(6000)).extracting(ServedLog.Served::scheduledAtMs).containsExactly(10000L);
    }
}
