package io.mockstagram.pipeline;

import io.mockstagram.infra.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Batches written by this version and by the one before, which carried no scheduled time, read alike. */
class BatchFormatTest {

    @Test
    void aReadingBatchRoundTripsWithItsScheduledTimeAndVerdicts() {
        var batch = new ReadingBatch("r", 3, 30_000, 90_000, 95_000, new int[] {1, 2}, new int[] {10, 20},
                new int[] {1, 2}, new long[] {91_000, 92_000}, List.of(new Verdict(1, true, 93_000)));

        ReadingBatch read = Json.read(Json.write(batch), ReadingBatch.class);

        assertThat(read.scheduledAtMs()).isEqualTo(90_000);
        assertThat(read.verdicts()).containsExactly(new Verdict(1, true, 93_000));
        assertThat(read.pks()).containsExactly(1, 2);
    }

    @Test
    void aReadingBatchFromTheVersionBeforeGetsItsScheduledTimeFromItsTick() {
        String old = "{\"id\":\"r\",\"tick\":3,\"intervalMs\":30000,\"dueAtMs\":95000,\"pks\":[1],\"followers\":[10],"
                + "\"following\":[1],\"fetchedAtMs\":[91000]}";

        ReadingBatch read = Json.read(old, ReadingBatch.class);

        assertThat(read.scheduledAtMs()).isEqualTo(90_000);
        assertThat(read.verdicts()).isEmpty();
    }

    @Test
    void aTaskBatchFromTheVersionBeforeGetsItsScheduledTimeFromItsTick() {
        String old = "{\"tick\":4,\"intervalMs\":60000,\"dueAtMs\":245000,\"epoch\":7,\"producer\":\"p1\",\"pks\":[1,2]}";

        TaskBatch read = Json.read(old, TaskBatch.class);

        assertThat(read.scheduledAtMs()).isEqualTo(240_000);
        assertThat(read.endsAtMs()).isEqualTo(300_000);
        assertThat(Json.read(Json.write(read), TaskBatch.class).scheduledAtMs()).isEqualTo(240_000);
    }
}
