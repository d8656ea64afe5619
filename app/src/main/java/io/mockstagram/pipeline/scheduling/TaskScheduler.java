package io.mockstagram.pipeline.scheduling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.LoopGuard;
import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.StreamDrops;
import io.mockstagram.pipeline.TaskBatch;
import io.mockstagram.pipeline.Tick;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Schedules exactly this producer's share of the pks, every tick, as task batches on the
 * tasks work queue.
 *
 * <p>It publishes only while the member is ACTIVE, and re-plans whenever the tick or the
 * assignment changes. A producer whose number or total changes mid-interval schedules, for
 * the rest of that interval, its new share less what it already scheduled in it: a pk may be
 * fetched twice (another producer may have scheduled it before the change), which
 * idempotent storage absorbs, but none goes unscheduled. A producer that pauses (FENCED)
 * and comes back with the same assignment carries on with its plan.
 *
 * <p>Each batch's message id names this process (its incarnation), the plan and the
 * batch's place in it, so JetStream's de-duplication only ever drops a batch this very
 * process already sent: a resend after an unanswered publish. Two producers, or two
 * processes of one producer, never share an id; should a duplicate answer come back for an
 * id this process did not resend, it is counted as a clash and logged, never as scheduled.
 */
public final class TaskScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);
    private static final Duration STEP = Duration.ofMillis(50);
    /** A stop waits this long for the publish in flight to be answered. */
    private static final Duration STOP_WAIT = TaskPublisher.PUBLISH_TIMEOUT.plusSeconds(1);

    private final Supplier<Assignment> assignments;
    private final String incarnation;
    private final Partitioner partitioner;
    private final Schedule schedule;
    private final TaskPublisher publisher;
    private final LoopGuard guard;
    private final ScheduledExecutorService loop;
    private final Counter batchesPublished;
    private final Counter pksScheduled;
    private final Counter publishFailures;
    private final Counter resent;
    private final Counter clashes;
    private volatile boolean stopping;

    // Confined to the loop thread.
    private final StreamDrops drops;
    private Plan plan;
    private String planId;
    private long plansMade;
    private final BitSet scheduled;
    /** The id of a batch whose publish went unanswered: JetStream may hold it already. */
    private String unanswered;
    private boolean failing;

    /**
     * @param assignments this producer's current assignment, read before every batch
     * @param incarnation an id of this process, random per start
     */
    public TaskScheduler(Supplier<Assignment> assignments, String incarnation, Partitioner partitioner, Schedule schedule,
                         TaskPublisher publisher, StreamDrops drops, MeterRegistry registry, LoopGuard guard) {
        this.assignments = assignments;
        this.incarnation = incarnation;
        this.drops = drops;
        this.partitioner = partitioner;
        this.schedule = schedule;
        this.publisher = publisher;
        this.guard = guard;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "task-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        this.batchesPublished = Counter.builder("mockstagram.tasks.batches").description("Task batches published")
                .register(registry);
        this.pksScheduled = Counter.builder("mockstagram.tasks.pks").description("Pks scheduled").register(registry);
        this.publishFailures = Counter.builder("mockstagram.tasks.publish.failures").register(registry);
        this.resent = Counter.builder("mockstagram.tasks.publish.resent")
                .description("Batches resent after an unanswered publish that JetStream already held").register(registry);
        this.clashes = Counter.builder("mockstagram.tasks.publish.clashes")
                .description("Batches JetStream dropped as duplicates of a message this process never sent")
                .register(registry);
        this.scheduled = new BitSet(schedule.range().count());
    }

    public TaskScheduler start() {
        loop.scheduleWithFixedDelay(guard.wrap(this::step), 0, STEP.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void step() {
        Assignment assignment = assignments.get();
        Instant now = Instant.now();
        Tick tick = Tick.at(now, schedule.interval());
        if (!assignment.isActive()) {
            return;
        }
        if (plan == null || !plan.tick.equals(tick)) {
            scheduled.clear();
        }
        if (plan == null || !plan.sameAs(tick, assignment)) {
            plan = Plan.create(tick, assignment, partitioner, schedule.range(), schedule.batchSize(), scheduled, now);
            planId = planId(tick, assignment, ++plansMade);
            log.atInfo().setMessage("scheduling").addKeyValue("tick", tick.index())
                    .addKeyValue("number", assignment.serverNumber()).addKeyValue("total", assignment.total())
                    .addKeyValue("epoch", assignment.epoch()).addKeyValue("pks", plan.pks())
                    .addKeyValue("batches", plan.size()).addKeyValue("overMs", plan.window().toMillis())
                    .addKeyValue("plan", planId).log();
        }
        publishDue(now);
    }

    /** Tick, epoch, number, total and interval, plus a count that keeps a re-made plan apart from its first making. */
    private String planId(Tick tick, Assignment assignment, long sequence) {
        return tick.index() + "." + assignment.epoch() + "." + assignment.serverNumber() + "." + assignment.total()
                + "." + schedule.interval().toMillis() + "." + sequence;
    }

    /** The message id of the plan's batch at {@code index}. */
    String batchId(int index) {
        return "task:" + incarnation + ":" + planId + ":" + index;
    }

    private void publishDue(Instant now) {
        while (plan.hasDue(now)) {
            // Checked before every batch: a producer that may have lost its number, or is
            // stopping, publishes nothing more.
            if (stopping || !assignments.get().isActive()) {
                return;
            }
            int index = plan.nextIndex();
            int[] pks = plan.nextBatch();
            Assignment assignment = plan.assignment;
            var batch = new TaskBatch(plan.tick.index(), schedule.interval().toMillis(), plan.dueAtMs(index),
                    assignment.epoch(), assignment.serverName(), pks);
            String id = batchId(index);
            boolean duplicate;
            try {
                duplicate = publisher.publish(id, Json.writeBytes(batch));
            } catch (Exception e) {
                if (StreamDrops.isLimitRejection(e)) {
                    // The queue is full and will stay so for a while: retrying would only hold up
                    // every later batch. Dropped, and counted as such.
                    drops.dropped(StreamDrops.Queue.TASKS);
                    log.warn("the tasks queue is full; dropped a batch of {} pks: {}", pks.length, e.getMessage());
                    plan.advance();
                    continue;
                }
                unanswered = id;
                publishFailures.increment();
                if (!failing) {
                    log.warn("cannot publish task batches; retrying: {}", e.getMessage());
                    failing = true;
                }
                return;
            }
            failing = false;
            boolean ours = !duplicate || id.equals(unanswered);
            unanswered = null;
            plan.advance();
            if (!ours) {
                clashes.increment();
                log.atError().setMessage("JetStream already held a task batch under this id, not sent by this process; "
                        + "its pks stay unscheduled").addKeyValue("id", id).addKeyValue("pks", pks.length).log();
                continue;
            }
            if (duplicate) {
                resent.increment();
            }
            for (int pk : pks) {
                scheduled.set(pk - schedule.range().first());
            }
            batchesPublished.increment();
            pksScheduled.increment(pks.length);
        }
    }

    /**
     * Stops scheduling: no batch is published once this returns. It waits for a publish in
     * flight to be answered, so that a stop announced afterwards comes after every batch.
     */
    @Override
    public void close() {
        stopping = true;
        loop.shutdown();
        try {
            if (!loop.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("the task scheduler did not stop within {}; interrupting it", STOP_WAIT);
                loop.shutdownNow();
            }
        } catch (InterruptedException e) {
            loop.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
