package io.mockstagram.pipeline.timeseries;

import io.mockstagram.pipeline.Tick;
import io.mockstagram.pipeline.Verdict;
import io.mockstagram.testing.SharedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class AggregateStoreTest {

    @RegisterExtension
    final SharedPostgres postgres = new SharedPostgres();

    private StoreFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void theLatestReadingIsTheLatestByScheduledTimeWhateverOrderBatchesArriveIn() {
        fixture = StoreFixture.open(postgres);
        Tick early = Batches.tick(1);
        Tick late = Batches.tick(3);
        fixture.store.insert(Batches.of(late, 7));
        fixture.store.insert(Batches.of(early, 7));
        // A half-minute tick between the two: an interval change must not reorder anything.
        fixture.store.insert(Batches.of(Batches.halfMinute(4), 7));

        AggregateRows row = fixture.store.aggregates().rows(new int[] {7});
        assertThat(row.readings()).containsExactly(3);
        assertThat(row.scheduledAtMs()).containsExactly(late.start().toEpochMilli());
        assertThat(row.followers()).containsExactly(Batches.followers(7, late));
        assertThat(row.followerSums()).containsExactly((long) Batches.followers(7, early)
                + Batches.followers(7, late) + Batches.followers(7, Batches.halfMinute(4)));
    }

    @Test
    void droppingOldPartitionsNeverChangesTheAverageOverTheHistory() {
        fixture = StoreFixture.open(postgres);
        fixture.store.insert(Batches.range(Batches.tick(-60), 1, 50));
        fixture.store.insert(Batches.range(Batches.tick(0), 1, 50));
        List<String> before = fixture.aggregates();

        var oldHour = HourlyPartition.containing(Batches.tick(-60).start());
        fixture.execute("DROP TABLE " + fixture.table.qualified(oldHour));

        assertThat(fixture.rows()).as("raw rows left").isEqualTo(50);
        assertThat(fixture.aggregates()).isEqualTo(before);
        assertThat(fixture.store.aggregates().rows(new int[] {1}).readings()).containsExactly(2);
    }

    @Test
    void migratingToV2BackfillsTheAggregatesFromTheKeptReadings() {
        ReadingsTable table = ReadingsTable.of(postgres.namespace());
        Flyway.configure(getClass().getClassLoader()).dataSource(postgres.dataSource()).schemas(table.schema())
                .defaultSchema(table.schema()).createSchemas(true).locations("classpath:db/migration").target("1")
                .load().migrate();
        fixture = StoreFixture.openWithoutMigrating(postgres);
        for (int minute : List.of(0, 1, 2)) {
            fixture.execute("INSERT INTO " + table.qualified() + " SELECT pk, timestamptz '" + Batches.tick(minute).start()
                    + "', timestamptz '" + Batches.tick(minute).start() + "' + interval '1.5 second', pk * 10 + " + minute
                    + ", pk + " + minute + " FROM generate_series(1, 20) AS pk");
        }

        SchemaMigrations.migrate(postgres.databaseSettings(), table);

        assertThat(fixture.aggregates()).hasSize(20).isEqualTo(fixture.aggregatesFromReadings());
    }

    @Test
    void aClassificationIsKeptUnlessANewerOneIsThereAndMayComeBeforeAnyReading() {
        fixture = StoreFixture.open(postgres);
        var aggregates = fixture.store.aggregates();
        aggregates.recordVerdicts(List.of(new Verdict(5, true, 2000), new Verdict(5, false, 1000)));
        aggregates.recordVerdicts(List.of(new Verdict(5, false, 1500)));

        assertThat(fixture.lines("SELECT readings, suspicious, (extract(epoch FROM classified_at) * 1000)::int8 FROM "
                + fixture.table.aggregates() + " WHERE pk = 5")).containsExactly("0 t 2000");
        assertThat(aggregates.rows(new int[] {5}).readings()).as("classified, no reading yet").containsExactly(0);

        fixture.store.insert(Batches.of(Batches.tick(0), 5));
        aggregates.recordVerdicts(List.of(new Verdict(5, false, 3000)));
        assertThat(fixture.lines("SELECT readings, suspicious FROM " + fixture.table.aggregates() + " WHERE pk = 5"))
                .containsExactly("1 f");
    }

    @Test
    void aScanStreamsEveryRowInChunksWithItsClassification() throws Exception {
        fixture = StoreFixture.open(postgres);
        fixture.store.insert(Batches.range(Batches.tick(0), 1, 2500));
        fixture.store.aggregates().recordVerdicts(List.of(new Verdict(3, true, 10)));
        List<Integer> sizes = new ArrayList<>();
        List<Integer> pks = new ArrayList<>();
        List<Verdict> verdicts = new ArrayList<>();

        long total = fixture.store.aggregates().scan(1000, chunk -> {
            sizes.add(chunk.rows().size());
            IntStream.of(chunk.rows().pks()).forEach(pks::add);
            verdicts.addAll(chunk.verdicts());
        });

        assertThat(total).isEqualTo(2500);
        assertThat(sizes).containsExactly(1000, 1000, 500);
        assertThat(pks).doesNotHaveDuplicates().hasSize(2500);
        assertThat(verdicts).containsExactly(new Verdict(3, true, 10));
    }
}
