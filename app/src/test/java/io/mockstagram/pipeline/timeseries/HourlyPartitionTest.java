package io.mockstagram.pipeline.timeseries;

import io.mockstagram.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HourlyPartitionTest {

    @Test
    void aPartitionIsNamedAfterItsHourInUtcAndFoundAgainByName() {
        HourlyPartition partition = HourlyPartition.containing(Instant.parse("2030-12-31T23:59:59.999Z"));

        assertThat(partition.start()).isEqualTo(Instant.parse("2030-12-31T23:00:00Z"));
        assertThat(partition.end()).isEqualTo(Instant.parse("2031-01-01T00:00:00Z"));
        assertThat(partition.name()).isEqualTo("readings_2030123123");
        assertThat(HourlyPartition.fromName(partition.name())).contains(partition);
        assertThat(partition.next().name()).isEqualTo("readings_2031010100");
    }

    @Test
    void tablesNamedOtherwiseAreNotPartitionsOfThisScheme() {
        assertThat(HourlyPartition.fromName("readings_default")).isEmpty();
        assertThat(HourlyPartition.fromName("readings_20301231")).isEmpty();
        assertThat(HourlyPartition.fromName("readings_2030133100")).as("month 13").isEmpty();
        assertThat(HourlyPartition.fromName("other_2030123123")).isEmpty();
    }

    @Test
    void aPartitionStartsOnTheHour() {
        assertThatThrownBy(() -> new HourlyPartition(Instant.parse("2030-01-01T10:30:00Z")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void namesAreQuotedAndQualifiedByTheSchema() {
        ReadingsTable table = new ReadingsTable("1st_cluster");

        assertThat(table.qualified()).isEqualTo("\"1st_cluster\".\"readings\"");
        assertThat(table.qualified(HourlyPartition.containing(Instant.parse("2030-01-01T10:30:00Z"))))
                .isEqualTo("\"1st_cluster\".\"readings_2030010110\"");
    }

    @Test
    void aSchemaNameLongerThanPostgresKeepsIsRejected() {
        assertThatThrownBy(() -> new ReadingsTable("n".repeat(64)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MOCKSTAGRAM_NAMESPACE");
    }
}
