package io.mockstagram.pipeline.timeseries;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One hour of readings, [start, start + 1h) by scheduled time. The name encodes the hour in
 * UTC ({@code readings_2024013117}), so that retention can tell a partition's age from the
 * catalog's names alone, without parsing partition bounds, whose text depends on the session
 * time zone.
 */
public record HourlyPartition(Instant start) implements Comparable<HourlyPartition> {

    public static final Duration SPAN = Duration.ofHours(1);

    private static final String PREFIX = ReadingsTable.TABLE + "_";
    private static final DateTimeFormatter HOUR = new DateTimeFormatterBuilder().appendPattern("uuuuMMddHH")
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0).toFormatter().withZone(ZoneOffset.UTC);
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "\\d{10}");

    public HourlyPartition {
        if (!start.equals(start.truncatedTo(ChronoUnit.HOURS))) {
            throw new IllegalArgumentException("a partition starts on the hour, not at " + start);
        }
    }

    public static HourlyPartition containing(Instant instant) {
        return new HourlyPartition(instant.truncatedTo(ChronoUnit.HOURS));
    }

    /** The partition a table name stands for, or empty for a table this scheme did not name. */
    public static Optional<HourlyPartition> fromName(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new HourlyPartition(
                    LocalDateTime.parse(name.substring(PREFIX.length()), HOUR).toInstant(ZoneOffset.UTC)));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    public String name() {
        return PREFIX + HOUR.format(start);
    }

    public Instant end() {
        return start.plus(SPAN);
    }

    public HourlyPartition next() {
        return new HourlyPartition(end());
    }

    @Override
    public int compareTo(HourlyPartition other) {
        return start.compareTo(other.start);
    }
}
