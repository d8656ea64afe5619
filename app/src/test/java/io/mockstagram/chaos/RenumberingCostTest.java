package io.mockstagram.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import io.mockstagram.infra.Json;
import io.mockstagram.producer.ProducerStatus;
import io.mockstagram.testing.Invariants;
import io.mockstagram.testing.PipelineCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What renumbering costs the pipeline, measured by what the mock API answered: across a
 * crash, a graceful stop and a join, every interval still has every influencer fetched, and
 * hardly any fetched twice. Each pk falls due at the same offset whoever owns it, so a change
 * of numbers moves work at one instant instead of re-planning shares; only what a departed
 * member may have left undone is redone.
 */
@Tag("chaos")
class RenumberingCostTest {

    private static final int INFLUENCERS = 20_000;
    private static final Duration INTERVAL = Duration.ofSeconds(10);
    /** Into an interval, while its pks are still falling due. */
    private static final Duration MID_INTERVAL = INTERVAL.dividedBy(2);
    private static final int WINDOW = 6;
    private static final double MAX_DUPLICATE_FRACTION = 0.02;
    private static final Duration START = Duration.ofSeconds(120);

    private final PipelineCluster cluster = new PipelineCluster(INFLUENCERS, INTERVAL);

    /** One interval of the window: the distinct pks the API answered for it, the answers beyond those, the rows stored. */
    private record Interval(Instant start, int served, long duplicates, int stored, String event) {
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @ParameterizedTest(name = "{0} partitioner")
    @ValueSource(strings = {"modulo", "jump"})
    void acrossACrashAStopAndAJoinEveryIntervalIsCoveredAndAtMostTwoPercentOfFetchesAreDuplicates(String partitioner)
            throws Exception {
        long began = System.nanoTime();
        cluster.api("--record-served");
        cluster.nurse();
        // No fetcher fails here: a batch given to another fetcher after a short ack wait on a
        // busy machine would be a duplicate the membership did not cause.
        cluster.start("f1", "fetcher", PipelineCluster.JVM, "--ack-wait", "60s");
        cluster.updater("u1");
        List<String> producers = new ArrayList<>(List.of("p1", "p2", "p3", "p4"));
        producers.forEach(name -> cluster.producer(name, "--partitioner", partitioner));

        try (Invariants invariants = Invariants.watch(cluster)) {
            cluster.eventually(START, "four producers ACTIVE as 1..4 of 4", () -> numbered(producers, 4));
            // The first interval that starts once all four serve; the ones before were starting up.
            long first = intervalStart(Instant.now()).plus(INTERVAL).toEpochMilli();
            Map<Long, String> events = new HashMap<>();

            waitUntil(Instant.ofEpochMilli(first).plus(MID_INTERVAL));
            String crashed = holders(producers).get(2);
            cluster.role(crashed).kill();
            producers.remove(crashed);
            events.put(first, "kill -9 " + crashed + " (number 2 of 4)");
            // Nobody announced the crash: the nurse evicts it once its lease runs out.
            cluster.eventually(Duration.ofSeconds(30), "the survivors ACTIVE as 1..3 of 3", () -> numbered(producers, 3));

            long stopAt = first + 2 * INTERVAL.toMillis();
            waitUntil(Instant.ofEpochMilli(stopAt).plus(MID_INTERVAL));
            String stopped = holders(producers).get(1);
            assertThat(cluster.role(stopped).stop(15)).as("128 + SIGTERM: %s shut down by itself", stopped).isEqualTo(143);
            producers.remove(stopped);
            events.put(stopAt, "SIGTERM " + stopped + " (number 1 of 3)");
            cluster.eventually(Duration.ofSeconds(30), "the survivors ACTIVE as 1..2 of 2", () -> numbered(producers, 2));

            long joinAt = stopAt + 2 * INTERVAL.toMillis();
            waitUntil(Instant.ofEpochMilli(joinAt).plus(MID_INTERVAL));
            cluster.producer("p5", "--partitioner", partitioner);
            producers.add("p5");
            events.put(joinAt, "p5 joins");
            cluster.eventually(START, "three producers ACTIVE as 1..3 of 3", () -> numbered(producers, 3));

            long last = first + (WINDOW - 1) * INTERVAL.toMillis();
            waitUntil(Instant.ofEpochMilli(last).plus(INTERVAL));
            printHandovers(producers);
            // Whatever falls due from now on is past the window: stopping keeps the queues from refilling.
            producers.forEach(name -> cluster.role(name).stop(15));
            cluster.eventually(Duration.ofSeconds(90), "the queues drain", cluster::drained);

            List<Interval> window = window(first, events);
            long duplicates = window.stream().mapToLong(Interval::duplicates).sum();
            long stored = window.stream().mapToLong(Interval::stored).sum();
            double fraction = stored == 0 ? 1 : (double) duplicates / stored;
            print(partitioner, window, duplicates, stored, fraction, began);

            assertThat(window).as("the API answered every influencer once at least, every interval")
                    .allSatisfy(interval -> assertThat(interval.served()).as("served for %s", interval.start())
                            .isEqualTo(INFLUENCERS));
            assertThat(window).as("PostgreSQL holds a reading of every influencer, every interval")
                    .allSatisfy(interval -> assertThat(interval.stored()).as("stored for %s", interval.start())
                            .isEqualTo(INFLUENCERS));
            assertThat(fraction).as("duplicate fetches over readings stored in the window: %d / %d", duplicates, stored)
                    .isLessThanOrEqualTo(MAX_DUPLICATE_FRACTION);
            invariants.assertHeld();
        }
    }

    /** True when exactly {@code names} are ACTIVE, numbered 1..total of {@code total}. */
    private boolean numbered(Collection<String> names, int total) {
        if (names.size() != total) {
            return false;
        }
        List<Integer> numbers = new ArrayList<>();
        for (String name : names) {
            Optional<ProducerStatus> status = status(name);
            if (status.isEmpty() || !"ACTIVE".equals(status.get().state()) || status.get().total() != total) {
                return false;
            }
            numbers.add(status.get().serverNumber());
        }
        return numbers.stream().sorted().toList().equals(IntStream.rangeClosed(1, total).boxed().toList());
    }

    /** Number to name, of the ACTIVE producers among {@code names}. */
    private Map<Integer, String> holders(Collection<String> names) {
        Map<Integer, String> byNumber = new TreeMap<>();
        for (String name : names) {
            status(name).filter(s -> "ACTIVE".equals(s.state())).ifPresent(s -> byNumber.put(s.serverNumber(), name));
        }
        return byNumber;
    }

    private Optional<ProducerStatus> status(String name) {
        return cluster.get(name, "/status").map(body -> Json.read(body, ProducerStatus.class));
    }

    private static Instant intervalStart(Instant at) {
        long ms = INTERVAL.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), ms) * ms);
    }

    /** The faults strike at set points of the window: waiting for the clock is the condition. */
    private void waitUntil(Instant when) {
        cluster.eventually(Duration.between(Instant.now(), when).plus(INTERVAL), "the clock reaches " + when,
                () -> !Instant.now().isBefore(when));
    }

    private List<Interval> window(long first, Map<Long, String> events) throws Exception {
        JsonNode served = Json.mapper().readTree(cluster.get("api", "/api/v1/served?since=" + first)
                .orElseThrow(() -> new AssertionError("the API did not say what it served")));
        Map<Long, JsonNode> byStart = new HashMap<>();
        for (JsonNode entry : served.path("served")) {
            byStart.put(entry.path("scheduledAtMs").asLong(), entry);
        }
        Map<Instant, Integer> stored = cluster.readingsPerTick();
        List<Interval> window = new ArrayList<>();
        for (int i = 0; i < WINDOW; i++) {
            long start = first + i * INTERVAL.toMillis();
            JsonNode entry = byStart.get(start);
            window.add(new Interval(Instant.ofEpochMilli(start), entry == null ? 0 : entry.path("count").asInt(),
                    entry == null ? 0 : entry.path("duplicates").asLong(),
                    stored.getOrDefault(Instant.ofEpochMilli(start), 0), events.getOrDefault(start, "")));
        }
        return window;
    }

    /** The producers' own account of their handovers, to explain any redone work. */
    private void printHandovers(Collection<String> names) {
        for (String name : names) {
            cluster.get(name, "/metrics").ifPresent(metrics -> metrics.lines()
                    .filter(line -> line.startsWith("mockstagram_tasks_handovers_total")
                            || line.startsWith("mockstagram_tasks_caught_up_total"))
                    .forEach(line -> System.out.println(name + " " + line)));
        }
    }

    private static void print(String partitioner, List<Interval> window, long duplicates, long stored, double fraction,
                              long began) {
        System.out.printf(Locale.ROOT, "renumbering cost, %s partitioner:%n", partitioner);
        for (Interval interval : window) {
            System.out.printf(Locale.ROOT, "  %s served %d, duplicates %d, stored %d  %s%n", interval.start(),
                    interval.served(), interval.duplicates(), interval.stored(), interval.event());
        }
        System.out.printf(Locale.ROOT, "  duplicate fetches %d of %d readings stored = %.3f %%, test ran %.0f s%n",
                duplicates, stored, 100.0 * fraction, (System.nanoTime() - began) / 1e9);
    }
}
