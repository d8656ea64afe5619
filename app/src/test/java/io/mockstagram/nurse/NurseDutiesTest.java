package io.mockstagram.nurse;

import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.events.NurseUpdated;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.infra.FatalFailure;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.membership.store.Eviction;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.membership.store.StoreReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acting nurse's duties against a store whose answers the test holds back, fails or
 * breaks: each term acts only on its own answers, and no failure stops the duties silently.
 */
class NurseDutiesTest {

    private static final Duration SCAN = Duration.ofMillis(100);
    private static final Duration BOUND = Duration.ofSeconds(10);

    private final List<Integer> exits = new CopyOnWriteArrayList<>();
    private final RoleContext context = RoleContext.create("nurse", "duties-test", 1, exits::add);
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final HeldStore store = new HeldStore();
    private final List<NurseUpdated> announced = new CopyOnWriteArrayList<>();
    private final NurseDuties duties = new NurseDuties(loop, store, event -> {
        announced.add(event);
        return CompletableFuture.completedFuture(null);
    }, "nurse-a", SCAN, context.registry(), context.guard("nurse-duties"));

    @AfterEach
    void stop() {
        loop.shutdownNow();
        context.close();
    }

    @Test
    void anEvictionAnsweredAfterTheTermEndedIsIgnoredAndCounted() {
        CompletableFuture<Eviction> inFlight = new CompletableFuture<>();
        store.evictions.add(() -> inFlight);
        duties.begin();
        await().atMost(BOUND).until(() -> store.evictCalls.get() == 1);

        duties.end();
        int relaysBefore = store.changesCalls.get();
        inFlight.complete(new Eviction(Eviction.Outcome.EVICTED, 9, Optional.empty(), List.of("crashed")));

        await().atMost(BOUND).until(() -> stale("eviction") == 1);
        assertThat(counter("mockstagram.nurse.evictions")).as("evictions counted").isZero();
        assertThat(store.changesCalls.get()).as("relays started for the stale pass").isEqualTo(relaysBefore);
        assertThat(store.evictCalls.get()).as("passes after the term ended").isEqualTo(1);
    }

    @Test
    void aStaleAnswerIsIgnoredEvenWhenTheNurseLeadsAgainMeanwhile() {
        CompletableFuture<Eviction> firstTerm = new CompletableFuture<>();
        store.evictions.add(() -> firstTerm);
        duties.begin();
        await().atMost(BOUND).until(() -> store.evictCalls.get() == 1);

        duties.end();
        duties.begin();
        await().atMost(BOUND).until(() -> store.evictCalls.get() >= 2);
        firstTerm.complete(new Eviction(Eviction.Outcome.EVICTED, 9, Optional.empty(), List.of("crashed")));

        await().atMost(BOUND).until(() -> stale("eviction") == 1);
        assertThat(counter("mockstagram.nurse.evictions")).isZero();
    }

    @Test
    void changesReadBeforeTheTermEndedAreNeverAnnounced() {
        CompletableFuture<List<MembershipChange>> inFlight = new CompletableFuture<>();
        store.changes.add(() -> inFlight);
        duties.begin();
        await().atMost(BOUND).until(() -> store.changesCalls.get() == 1);

        duties.end();
        inFlight.complete(List.of(change("1-0", 5)));

        await().atMost(BOUND).until(() -> stale("relay") == 1);
        assertThat(announced).isEmpty();
        assertThat(store.marked).isEmpty();
        assertThat(duties.relayedId()).isNull();
    }

    @Test
    void aStopRemovedAfterTheTermEndedIsLeftUnacknowledgedForTheNextLeader() {
        CompletableFuture<StoreReply> inFlight = new CompletableFuture<>();
        store.leaves.add(() -> inFlight);
        duties.begin();
        AtomicInteger acks = new AtomicInteger();
        duties.handleStopped(new ProducerStopped("p1", "i-1", 4, Instant.now(), Instant.now()), acks::incrementAndGet);
        await().atMost(BOUND).until(() -> store.leaveCalls.get() == 1);

        duties.end();
        inFlight.complete(new StoreReply(StoreReply.Outcome.LEFT, 0, 1, 5, 0, "g1", 60_000, ""));

        await().atMost(BOUND).until(() -> stale("leave") == 1);
        assertThat(acks).hasValue(0);
        assertThat(counter("mockstagram.nurse.stops")).isZero();
    }

    @Test
    void anAnswerInTheCurrentTermIsActedOn() {
        store.evictions.add(() -> CompletableFuture.completedFuture(
                new Eviction(Eviction.Outcome.EVICTED, 9, Optional.empty(), List.of("crashed"))));
        store.changes.add(() -> CompletableFuture.completedFuture(List.of(change("1-0", 9))));
        duties.begin();

        await().atMost(BOUND).until(() -> counter("mockstagram.nurse.evictions") == 1);
        await().atMost(BOUND).until(() -> "1-0".equals(duties.relayedId()));
        assertThat(announced).extracting(NurseUpdated::epoch).containsExactly(9L);
        assertThat(store.marked).containsExactly("1-0");
    }

    @Test
    void aDutyThatThrowsIsCountedAndTheDutiesGoOn() {
        store.evictions.add(() -> {
            throw new IllegalStateException("injected");
        });
        store.evictions.add(() -> CompletableFuture.completedFuture(
                new Eviction(Eviction.Outcome.EVICTED, 9, Optional.empty(), List.of("crashed"))));
        duties.begin();

        await().atMost(BOUND).until(() -> counter("mockstagram.nurse.evictions") == 1);
        assertThat(loopFailures()).isEqualTo(1);
        assertThat(exits).isEmpty();
        assertThat(context.readiness().report().isUp()).isTrue();
        await().atMost(BOUND).until(() -> store.evictCalls.get() >= 4); // and it keeps scanning
    }

    @Test
    void anErrorInTheDutiesMakesTheNurseUnreadyAndExitWithStatus70() {
        store.evictions.add(() -> {
            throw new OutOfMemoryError("injected");
        });
        duties.begin();

        await().atMost(BOUND).until(() -> exits.contains(FatalFailure.EXIT_STATUS));
        assertThat(exits).containsExactly(70);
        assertThat(loopFailures()).isEqualTo(1);
        assertThat(context.readiness().report().checks()).containsEntry("running", "DOWN");
        assertThat(context.readiness().report().isUp()).isFalse();
    }

    private double counter(String name) {
        var counter = context.registry().find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    private double stale(String call) {
        var counter = context.registry().find("mockstagram.nurse.stale.answers").tag("call", call).counter();
        return counter == null ? 0 : counter.count();
    }

    private double loopFailures() {
        MeterRegistry registry = context.registry();
        return registry.get("mockstagram.loop.failures").tag("loop", "nurse-duties").counter().count();
    }

    private static MembershipChange change(String id, long epoch) {
        return new MembershipChange(id, epoch, MembershipChange.Kind.EVICTED, "crashed", 2, 1,
                Optional.of(new MembershipChange.Move("alive", 2, 1)), "g1", 0, 0);
    }

    /**
     * Answers each call with the next answer queued for it; once none is queued, with a
     * quiet cluster: nothing to evict, no changes, nothing relayed yet.
     */
    private static final class HeldStore implements DutyStore {
        final ConcurrentLinkedQueue<Supplier<CompletionStage<Eviction>>> evictions = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Supplier<CompletionStage<List<MembershipChange>>>> changes = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Supplier<CompletionStage<StoreReply>>> leaves = new ConcurrentLinkedQueue<>();
        final List<String> marked = new CopyOnWriteArrayList<>();
        final AtomicInteger evictCalls = new AtomicInteger();
        final AtomicInteger changesCalls = new AtomicInteger();
        final AtomicInteger leaveCalls = new AtomicInteger();

        @Override
        public CompletionStage<Eviction> evictExpired(String nurseId) {
            evictCalls.incrementAndGet();
            var next = evictions.poll();
            return next != null ? next.get()
                    : CompletableFuture.completedFuture(new Eviction(Eviction.Outcome.EVICTED, 9, Optional.empty(), List.of()));
        }

        @Override
        public CompletionStage<StoreReply> repair() {
            return CompletableFuture.failedFuture(new IllegalStateException("no repair expected"));
        }

        @Override
        public CompletionStage<StoreReply> leave(String name, String incarnation, long epoch, long stoppedWorkAtMs) {
            leaveCalls.incrementAndGet();
            var next = leaves.poll();
            return next != null ? next.get()
                    : CompletableFuture.completedFuture(new StoreReply(StoreReply.Outcome.ABSENT, 0, 1, epoch, 0, "g1", 60_000, ""));
        }

        @Override
        public CompletionStage<List<MembershipChange>> changesAfter(String changeId, int max) {
            changesCalls.incrementAndGet();
            var next = changes.poll();
            return next != null ? next.get() : CompletableFuture.completedFuture(List.of());
        }

        @Override
        public CompletionStage<String> relayed() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Boolean> markRelayed(String nurseId, String changeId) {
            marked.add(changeId);
            return CompletableFuture.completedFuture(true);
        }
    }
}
