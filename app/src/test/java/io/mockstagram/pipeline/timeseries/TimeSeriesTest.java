package io.mockstagram.pipeline.timeseries;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.testing.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TimeSeriesTest {

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    @Test
    void openingMigratesAndCreatesThePartitionsAroundNow() {
        var registry = new SimpleMeterRegistry();
        Instant now = Instant.now();

        try (TimeSeries series = TimeSeries.open(postgres.databaseSettings(), postgres.namespace(),
                TimeSeriesSettings.defaults(), Duration.ofSeconds(10), registry)) {

            assertThat(series.partitions().partitions()).contains(
                    HourlyPartition.containing(now.minus(PartitionManager.BEHIND)),
                    HourlyPartition.containing(now),
                    HourlyPartition.containing(now.plus(PartitionManager.AHEAD)));
            Tick tick = Tick.at(now, Duration.ofMinutes(1));
            assertThat(series.store().insert(Batches.range(tick, 1_000_000, 10)).inserted()).isEqualTo(10);
            assertThat(series.store().latest(1_000_005)).contains(Batches.expected(1_000_005, tick));
            assertThat(registry.find("hikaricp.connections").gauge()).isNotNull();
        }
    }
}
