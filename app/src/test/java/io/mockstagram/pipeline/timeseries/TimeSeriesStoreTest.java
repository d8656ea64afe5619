package io.mockstagram.pipeline.timeseries;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.testing.SharedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class TimeSeriesStoreTest {

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    private StoreFixture fixture;
    private TimeSeriesStore store;

    @BeforeEach
    void open() {
        fixture = StoreFixture.open(postgres);
        store = fixture.store;
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aRedeliveredBatchIsStoredOnce() {
        ReadingBatch batch = Batches.range(Batches.tick(0), 1_000_000, 1000);

        assertThat(store.insert(batch).inserted()).isEqualTo(1000);
        assertThat(store.insert(batch).inserted()).isZero();
        assertThat(fixture.rows()).isEqualTo(1000);
    }

    @Test
    void aReadingFetchedTwiceInATickKeepsTheFirstCountsAndReturnsTheAggregatesAsStored() {
        Tick tick = Batches.tick(0);
        ReadingBatch first = new ReadingBatch("a", tick.index(), tick.interval().toMillis(), 0,
                new int[] {1, 2}, new int[] {100, 200}, new int[] {10, 20}, new long[] {1000, 2000});
        ReadingBatch second = new ReadingBatch("b", tick.index(), tick.interval().toMillis(), 0,
                new int[] {2, 3}, new int[] {999, 300}, new int[] {99, 30}, new long[] {9000, 3000});
        store.insert(first);

        TimeSeriesStore.Stored stored = store.insert(second);

        assertThat(stored.inserted()).isEqualTo(1);
        AggregateRows rows = stored.aggregates();
        assertThat(rows.pks()).as("the new reading's row, then the stored one's").containsExactly(3, 2);
        assertThat(rows.followers()).as("pk 2 as first stored").containsExactly(300, 200);
        assertThat(rows.following()).containsExactly(30, 20);
        assertThat(rows.fetchedAtMs()).containsExactly(3000, 2000);
        assertThat(rows.readings()).as("pk 2 counted once").containsExactly(1, 1);
        assertThat(rows.followerSums()).containsExactly(300, 200);
        assertThat(rows.scheduledAtMs()).containsOnly(tick.start().toEpochMilli());
    }

    @Test
    void overlappingBatchesStoreEachReadingOnce() {
        Tick tick = Batches.tick(0);

        assertThat(store.insert(Batches.range(tick, 1, 100)).inserted()).isEqualTo(100);
        assertThat(store.insert(Batches.range(tick, 51, 100)).inserted()).isEqualTo(50);
        assertThat(store.insert(Batches.of(tick, 7, 7, 300, 300)).inserted()).isEqualTo(1);
        assertThat(store.insert(Batches.range(tick.next(), 1, 100)).inserted()).as("the same pks in the next tick").isEqualTo(100);
        assertThat(fixture.rows()).isEqualTo(251);
    }

    @Test
    void anEmptyBatchStoresNothing() {
        assertThat(store.insert(Batches.of(Batches.tick(0))).inserted()).isZero();
    }

    @Test
    void timelineReturnsOnePksReadingsInTimeOrderWithinTheRange() {
        for (int minute : new int[] {5, 1, 9, 0, 3, 7, 2, 8, 4, 6}) {
            store.insert(Batches.of(Batches.tick(minute), 41, 42, 43)).inserted();
        }

        List<Reading> timeline = store.timeline(42, Batches.tick(2).start(), Batches.tick(7).start());

        assertThat(timeline).containsExactlyElementsOf(
                IntStream.range(2, 7).mapToObj(m -> Batches.expected(42, Batches.tick(m))).toList());
    }

    @Test
    void timelineSpansPartitions() {
        List<Tick> ticks = List.of(Batches.tick(-30), Batches.tick(59), Batches.tick(60), Batches.tick(150));
        ticks.forEach(tick -> store.insert(Batches.of(tick, 5, 6)).inserted());

        List<Reading> timeline = store.timeline(6, Batches.BASE.minus(Duration.ofHours(1)),
                Batches.BASE.plus(Duration.ofHours(3)));

        assertThat(timeline).extracting(Reading::scheduledAt).containsExactlyElementsOf(ticks.stream().map(Tick::start).toList());
    }

    @Test
    void timelineStopsAtTheLimitWithTheNewestReadingsInTimeOrder() {
        try (StoreFixture limited = StoreFixture.open(postgres, 3)) {
            for (int minute = 9; minute >= 0; minute--) {
                limited.store.insert(Batches.of(Batches.tick(minute), 42)).inserted();
            }

            assertThat(limited.store.timeline(42, Batches.BASE, Batches.tick(60).start()))
                    .extracting(Reading::scheduledAt)
                    .containsExactly(Batches.tick(7).start(), Batches.tick(8).start(), Batches.tick(9).start());
        }
    }

    @Test
    void timelineReadsOnlyThePrimaryKeyOfThePartitionsInRange() throws Exception {
        for (int minute = -60; minute < 180; minute += 10) {
            store.insert(Batches.range(Batches.tick(minute), 1, 1000)).inserted();
        }
        fixture.execute("ANALYZE " + fixture.table.qualified());
        Instant from = Batches.BASE.plus(Duration.ofMinutes(60));

        JsonNode plan;
        try (Connection connection = fixture.dataSource().getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN (FORMAT JSON) " + store.timelineSql())) {
            explain.setInt(1, 7);
            explain.setObject(2, from.atOffset(ZoneOffset.UTC));
            explain.setObject(3, from.plus(Duration.ofHours(1)).atOffset(ZoneOffset.UTC));
            explain.setInt(4, TimeSeriesStore.TIMELINE_LIMIT);
            try (ResultSet row = explain.executeQuery()) {
                row.next();
                plan = new ObjectMapper().readTree(row.getString(1)).get(0).get("Plan");
            }
        }

        List<JsonNode> nodes = new ArrayList<>();
        collect(plan, nodes);
        String partition = HourlyPartition.containing(from).name();
        assertThat(nodes).as(plan.toPrettyString())
                .noneMatch(node -> node.path("Node Type").asText().equals("Seq Scan"))
                .filteredOn(node -> node.has("Relation Name"))
                .extracting(node -> node.get("Relation Name").asText())
                .containsOnly(partition);
        assertThat(nodes).as(plan.toPrettyString())
                .filteredOn(node -> node.has("Index Name"))
                .extracting(node -> node.get("Index Name").asText())
                .isNotEmpty()
                .containsOnly(partition + "_pkey");
    }

    private static void collect(JsonNode node, List<JsonNode> nodes) {
        nodes.add(node);
        node.path("Plans").forEach(child -> collect(child, nodes));
    }

    @Test
    void aReadingForAnHourWithoutPartitionIsStillStored() {
        Tick weekLater = Tick.at(Batches.BASE.plus(Duration.ofDays(7)), Batches.INTERVAL);
        assertThat(fixture.partitions.partitions()).doesNotContain(HourlyPartition.containing(weekLater.start()));

        assertThat(store.insert(Batches.range(weekLater, 1, 10)).inserted()).isEqualTo(10);

        assertThat(fixture.partitions.partitions()).contains(HourlyPartition.containing(weekLater.start()));
        assertThat(store.latest(3)).contains(Batches.expected(3, weekLater));
    }

    @Test
    void fetchTimesKeepTheirMilliseconds() {
        Tick tick = Batches.tick(17);
        store.insert(Batches.range(tick, 1, 20)).inserted();

        assertThat(store.timeline(13, tick.start(), tick.end()))
                .extracting(Reading::fetchedAt)
                .containsExactly(Instant.ofEpochMilli(Batches.fetchedAtMs(13, tick)));
    }

    @Test
    void latestIsTheNewestTickAndAverageTheMeanOverHistory() {
        List<Tick> ticks = List.of(Batches.tick(3), Batches.tick(1), Batches.tick(2));
        ticks.forEach(tick -> store.insert(Batches.of(tick, 8, 9)).inserted());

        assertThat(store.latest(9)).contains(Batches.expected(9, Batches.tick(3)));
        double mean = ticks.stream().mapToInt(tick -> Batches.followers(9, tick)).average().orElseThrow();
        assertThat(store.averageFollowerCount(9)).hasValue(mean);
        assertThat(store.latest(10)).isEmpty();
        assertThat(store.averageFollowerCount(10)).isEmpty();
    }

    @Test
    void bytesPerReadingCoversHeapAndIndex() {
        assertThat(store.bytesPerReading()).isEmpty();

        for (int minute = 0; minute < 10; minute++) {
            store.insert(Batches.range(Batches.tick(minute), 1, 1000)).inserted();
        }

        // A reading is 28 bytes of columns plus a 24-byte row header; the key adds at least 16.
        assertThat(store.bytesPerReading().orElseThrow()).isGreaterThan(28 + 24 + 16);
    }
}
