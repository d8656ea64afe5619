package io.mockstagram.pipeline.scheduling;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.LoopGuard;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.MemberState;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.pipeline.PipelineStreams;
import io.mockstagram.pipeline.PkRange;
import io.mockstagram.pipeline.StreamDrops;
import io.mockstagram.pipeline.TaskBatch;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.testing.SharedServers;
import io.nats.client.PublishOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Schedulers publishing to JetStream on the shared NATS server, in a namespace of the test's own. */
class TaskSchedulerTest {

    private static final Duration BOUND = Duration.ofSeconds(20);
    /** Ten batches of ten pks every second. */
    private static final Schedule SCHEDULE = new Schedule(PkRange.of(100), Duration.ofSeconds(1), 10);
    private static final Assignment ACTIVE = new Assignment("producer-1", MemberState.ACTIVE, 1, 1, 7);

    @RegisterExtension
    final SharedServers servers = new SharedServers();

    private final List<AutoCloseable> closing = new ArrayList<>();
    private NatsLink nats;

    @BeforeEach
    void streams() {
        nats = NatsLink.start(servers.clusterSettings().nats(), "scheduler-test");
        closing.add(nats);
        PipelineStreams.ensure(servers.nats(), servers.namespace());
        await().atMost(BOUND).until(nats::isConnected);
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    @Test
    void twoProcessesOfOneProducerNeverPublishUnderOneId() {
        // Say a restarted producer took over its name and number while the old process still ran.
        var first = new SimpleMeterRegistry();
        var second = new SimpleMeterRegistry();
        TaskScheduler oldProcess = start("incarnation-1", () -> ACTIVE, jetStream(), first, guard(first));
        TaskScheduler newProcess = start("incarnation-2", () -> ACTIVE, jetStream(), second, guard(second));

        await().atMost(BOUND).until(() -> batches(first) >= 10 && batches(second) >= 10);
        oldProcess.close();
        newProcess.close();

        assertThat(storedBatches()).as("batches in the stream").isEqualTo(batches(first) + batches(second));
        assertThat(clashes(first) + clashes(second)).isZero();
    }

    @Test
    void aBatchJetStreamAlreadyHeldFromElsewhereIsAClashNotScheduled() {
        var registry = new SimpleMeterRegistry();
        AtomicBoolean rogueSent = new AtomicBoolean();
        AtomicInteger pksAfterTheClash = new AtomicInteger();
        TaskPublisher jetStream = jetStream();
        TaskScheduler scheduler = start("incarnation-1", () -> ACTIVE, (id, batch) -> {
            if (rogueSent.compareAndSet(false, true)) {
                servers.nats().jetStream().publish(servers.namespace().tasksSubject(), "{}".getBytes(),
                        PublishOptions.builder().messageId(id).build());
            } else {
                pksAfterTheClash.addAndGet(Json.mapper().readValue(batch, TaskBatch.class).pks().length);
            }
            return jetStream.publish(id, batch);
        }, registry, guard(registry));

        await().atMost(BOUND).until(() -> clashes(registry) == 1 && batches(registry) >= 10);
        scheduler.close();

        assertThat(storedBatches()).as("the rogue message and the scheduled batches").isEqualTo(batches(registry) + 1);
        assertThat(registry.get("mockstagram.tasks.pks").counter().count()).as("pks of every batch but the clashed one")
                .isEqualTo(pksAfterTheClash.get());
        assertThat(registry.get("mockstagram.tasks.publish.resent").counter().count()).isZero();
    }

    @Test
    void aBatchResentAfterAnUnansweredPublishIsScheduledOnce() {
        var registry = new SimpleMeterRegistry();
        AtomicBoolean ackLost = new AtomicBoolean();
        TaskPublisher jetStream = jetStream();
        TaskScheduler scheduler = start("incarnation-1", () -> ACTIVE, (id, batch) -> {
            boolean duplicate = jetStream.publish(id, batch);
            if (ackLost.compareAndSet(false, true)) {
                throw new IOException("timed out waiting for the acknowledgement");
            }
            return duplicate;
        }, registry, guard(registry));

        await().atMost(BOUND).until(() -> batches(registry) >= 10);
        scheduler.close();

        assertThat(registry.get("mockstagram.tasks.publish.resent").counter().count()).isEqualTo(1);
        assertThat(registry.get("mockstagram.tasks.publish.failures").counter().count()).isEqualTo(1);
        assertThat(clashes(registry)).isZero();
        assertThat(storedBatches()).isEqualTo(batches(registry));
    }

    @Test
    void aFailedStepIsCountedAndSchedulingGoesOn() {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        RoleContext context = RoleContext.create("producer", "scheduler-test", 1, exits::add);
        closing.add(context);
        AtomicInteger reads = new AtomicInteger();
        start("incarnation-1", () -> {
            if (reads.incrementAndGet() <= 3) {
                throw new IllegalStateException("injected");
            }
            return ACTIVE;
        }, jetStream(), context.registry(), context.guard("scheduler"));

        await().atMost(BOUND).until(() -> batches(context.registry()) >= 10);
        assertThat(loopFailures(context.registry())).isEqualTo(3);
        assertThat(exits).isEmpty();
        assertThat(context.readiness().report().isUp()).isTrue();
    }

    @Test
    void anErrorStopsSchedulingMakesTheProducerUnreadyAndExitsWith70() {
        List<Integer> exits = new CopyOnWriteArrayList<>();
        RoleContext context = RoleContext.create("producer", "scheduler-test", 1, exits::add);
        closing.add(context);
        AtomicBoolean broken = new AtomicBoolean();
        start("incarnation-1", () -> {
            if (broken.get()) {
                throw new NoClassDefFoundError("injected");
            }
            return ACTIVE;
        }, jetStream(), context.registry(), context.guard("scheduler"));
        await().atMost(BOUND).until(() -> batches(context.registry()) >= 3);

        broken.set(true);

        await().atMost(BOUND).until(() -> !exits.isEmpty());
        assertThat(exits).containsExactly(70);
        assertThat(context.readiness().report().isUp()).isFalse();
        assertThat(loopFailures(context.registry())).isEqualTo(1);
        long published = batches(context.registry());
        await().during(Duration.ofSeconds(2)).atMost(BOUND).until(() -> batches(context.registry()) == published);
    }

    private TaskScheduler start(String incarnation, Supplier<Assignment> assignment, TaskPublisher publisher,
                                MeterRegistry registry, LoopGuard guard) {
        TaskScheduler scheduler = new TaskScheduler(assignment, incarnation, new ModuloPartitioner(), SCHEDULE, max -> List.of(), publisher,
                new StreamDrops(new PipelineStats(servers.redis().async(), servers.namespace()), registry), registry, guard);
        closing.add(scheduler);
        return scheduler.start();
    }

    private TaskPublisher jetStream() {
        return TaskPublisher.jetStream(nats, servers.namespace());
    }

    private static LoopGuard guard(MeterRegistry registry) {
        return new LoopGuard("scheduler", registry, (reason, cause) -> {
            throw new AssertionError("unexpected fatal failure: " + reason, cause);
        });
    }

    private long storedBatches() {
        try {
            return servers.nats().jetStreamManagement().getStreamInfo(servers.namespace().tasksStream())
                    .getStreamState().getMsgCount();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long batches(MeterRegistry registry) {
        return (long) registry.get("mockstagram.tasks.batches").counter().count();
    }

    private static double clashes(MeterRegistry registry) {
        return registry.get("mockstagram.tasks.publish.clashes").counter().count();
    }

    private static double loopFailures(MeterRegistry registry) {
        return registry.get("mockstagram.loop.failures").tag("loop", "scheduler").counter().count();
    }
}
