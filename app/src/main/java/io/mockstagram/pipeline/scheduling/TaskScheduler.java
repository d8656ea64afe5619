package io.mockstagram.pipeline.scheduling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.LoopGuard;
import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.StreamDrops;
import io.mockstagram.pipeline.TaskBatch;
import io.mockstagram.membership.store.MembershipChange;
import io.mockstagram.pipeline.Tick;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Schedules exactly this producer's share of the pks, as they fall due, as task batches on
 * the tasks work queue.
 *
 * <p>Every pk falls due at the same offset into every interval whoever owns it
 * ({@link DueOrder}). The scheduler publishes only while the member is ACTIVE, and when its
 * assignment changes it reads the changelog to learn when the change takes effect and what
 * a departed member left undone ({@link Handover}): a membership change costs the pipeline
 * only the departed member's missing work, not a re-plan of every share. A producer that
 * pauses (FENCED) and comes back with the same assignment carries on where it stopped.
 *
 * <p>Each batch's message id names this process (its incarnation) and a sequence, so
 * JetStream's de-duplication only ever drops a batch this very process already sent: a
 * resend after an unanswered publish. Two producers, or two processes of one producer, never
 * share an id; should a duplicate answer come back for an id this process did not resend, it
 * is counted as a clash and logged, never as scheduled.
 */
public final class TaskScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);
    private static final Duration STEP = Duration.ofMillis(50);
    /** How long pks that fell due may wait for more to fill a batch. */
    static final Duration HOLD = Duration.ofMillis(250);
    /** A stop waits this long for the batches it still holds to be published. */
    private static final Duration STOP_WAIT = TaskPublisher.PUBLISH_TIMEOUT.plusSeconds(1);

    private final Supplier<Assignment> assignments;
    private final String incarnation;
    private final Partitioner partitioner;
    private final Schedule schedule;
    private final ChangeHistory history;
    private final TaskPublisher publisher;
    private final LoopGuard guard;
    private final ScheduledExecutorService loop;
    private final Counter batchesPublished;
    private final Counter pksScheduled;
    private final Counter publishFailures;
    private final Counter resent;
    private final Counter clashes;
    private final Counter followed;
    private final Counter redone;
    private final Counter caughtUp;
    private volatile boolean stopping;
    private volatile Instant stoppedWorkAt;

    // Confined to the loop thread.
    private final StreamDrops drops;
    private final DueOrder order;
    private final BatchBuffer buffer;
    private final Deque<Outgoing> outgoing = new ArrayDeque<>();
    private Planner planner;
    private Handover.FollowedAt followedAt;
    private Assignment planned;
    private long sequence;
    /** The id of a batch whose publish went unanswered: JetStream may hold it already. */
    private String unanswered;
    private boolean failing;
    private boolean historyFailing;

    /** A batch with its message id, fixed when it is made so that a resend reuses it. */
    private record Outgoing(String id, TaskBatch batch) {
    }

    /**
     * @param assignments this producer's current assignment, read before every batch
     * @param incarnation an id of this process, random per start
     * @param history     the membership changelog, read when the assignment changes
     */
    public TaskScheduler(Supplier<Assignment> assignments, String incarnation, Partitioner partitioner, Schedule schedule,
                         ChangeHistory history, TaskPublisher publisher, StreamDrops drops, MeterRegistry registry,
                         LoopGuard guard) {
        this.assignments = assignments;
        this.incarnation = incarnation;
        this.drops = drops;
        this.partitioner = partitioner;
        this.schedule = schedule;
        this.history = history;
        this.publisher = publisher;
        this.guard = guard;
        this.order = DueOrder.of(schedule.range(), schedule.interval());
        this.buffer = new BatchBuffer(schedule.batchSize(), HOLD.toMillis());
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
        this.followed = Counter.builder("mockstagram.tasks.handovers").tag("outcome", "followed")
                .description("Membership changes handed over at their effective time").register(registry);
        this.redone = Counter.builder("mockstagram.tasks.handovers").tag("outcome", "redone")
                .description("Changes the changelog could not explain: the whole share redone from the interval's start")
                .register(registry);
        this.caughtUp = Counter.builder("mockstagram.tasks.caught.up")
                .description("Pks scheduled at once, on hearing of a departure, for work it may have left undone")
                .register(registry);
    }

    public TaskScheduler start() {
        loop.scheduleWithFixedDelay(guard.wrap(this::step), 0, STEP.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void step() {
        if (stopping) {
            return;
        }
        Assignment assignment = assignments.get();
        if (!assignment.isActive()) {
            return;
        }
        long now = System.currentTimeMillis();
        if (planned == null || assignment.epoch() != planned.epoch() || assignment.serverNumber() != planned.serverNumber()
                || assignment.total() != planned.total()) {
            if (!handOver(assignment, now)) {
                return;
            }
        }
        planner.advance(now, buffer::add);
        for (BatchBuffer.Ready ready : buffer.take(now, false)) {
            enqueue(ready);
        }
        publishQueued();
    }

    /** Follows the change to {@code assignment}; false when the changelog cannot be read yet. */
    private boolean handOver(Assignment assignment, long nowMs) {
        List<MembershipChange> changes;
        try {
            changes = history.latest(ChangeHistory.DEPTH);
            historyFailing = false;
        } catch (Exception e) {
            if (!historyFailing) {
                log.warn("cannot read the membership changelog; keeping the current plan: {}", e.toString());
                historyFailing = true;
            }
            // Without a plan at all there is nothing to keep: wait for the changelog.
            return planner != null;
        }
        long tickStart = Tick.at(Instant.ofEpochMilli(nowMs), schedule.interval()).start().toEpochMilli();
        Handover handover = Handover.follow(assignment.serverName(), followedAt, assignment, changes, tickStart);
        planner = handover.applyTo(planner, order, partitioner, assignment, buffer::add, (tick, pk, dueMs) -> {
            caughtUp.increment();
            buffer.add(tick, pk, dueMs);
        });
        if (handover instanceof Handover.Followed f) {
            followedAt = new Handover.FollowedAt(assignment.epoch(), f.generation(), assignment.serverNumber());
            followed.increment();
        } else if (handover instanceof Handover.Unexplained u) {
            followedAt = generationOf(assignment, changes);
            redone.increment();
            log.atInfo().setMessage("redoing the share from the interval's start").addKeyValue("why", u.why())
                    .addKeyValue("epoch", assignment.epoch()).log();
        }
        planned = assignment;
        log.atInfo().setMessage("scheduling").addKeyValue("number", assignment.serverNumber())
                .addKeyValue("total", assignment.total()).addKeyValue("epoch", assignment.epoch())
                .addKeyValue("handover", handover.getClass().getSimpleName()).log();
        return true;
    }

    /** The epoch reached, and the generation of its changelog entry if there is one. */
    private static Handover.FollowedAt generationOf(Assignment assignment, List<MembershipChange> changes) {
        for (MembershipChange change : changes) {
            if (change.epoch() == assignment.epoch()) {
                return new Handover.FollowedAt(assignment.epoch(), change.generation(), assignment.serverNumber());
            }
        }
        return new Handover.FollowedAt(assignment.epoch(), "", assignment.serverNumber());
    }

    private void enqueue(BatchBuffer.Ready ready) {
        var batch = new TaskBatch(ready.tick(), schedule.interval().toMillis(), ready.dueAtMs(), planned.epoch(),
                planned.serverName(), ready.pks());
        outgoing.add(new Outgoing(batchId(ready.tick(), planned.epoch(), ++sequence), batch));
    }

    /** Tick, epoch and interval for the reader, and a sequence that makes the id unique within this process. */
    String batchId(long tick, long epoch, long seq) {
        return "task:" + incarnation + ":" + tick + "." + epoch + "." + schedule.interval().toMillis() + ":" + seq;
    }

    private void publishQueued() {
        while (!outgoing.isEmpty()) {
            // Checked before every batch: a producer that may have lost its number publishes nothing more.
            if (!assignments.get().isActive()) {
                return;
            }
            Outgoing next = outgoing.peek();
            int[] pks = next.batch().pks();
            boolean duplicate;
            try {
                duplicate = publisher.publish(next.id(), Json.writeBytes(next.batch()));
            } catch (Exception e) {
                if (StreamDrops.isLimitRejection(e)) {
                    // The queue is full and will stay so for a while: retrying would only hold up
                    // every later batch. Dropped, and counted as such.
                    drops.dropped(StreamDrops.Queue.TASKS);
                    log.warn("the tasks queue is full; dropped a batch of {} pks: {}", pks.length, e.getMessage());
                    outgoing.poll();
                    continue;
                }
                unanswered = next.id();
                publishFailures.increment();
                if (!failing) {
                    log.warn("cannot publish task batches; retrying: {}", e.getMessage());
                    failing = true;
                }
                return;
            }
            failing = false;
            boolean ours = !duplicate || next.id().equals(unanswered);
            unanswered = null;
            outgoing.poll();
            if (!ours) {
                clashes.increment();
                log.atError().setMessage("JetStream already held a task batch under this id, not sent by this process; "
                        + "its pks stay unscheduled").addKeyValue("id", next.id()).addKeyValue("pks", pks.length).log();
                continue;
            }
            if (duplicate) {
                resent.increment();
            }
            batchesPublished.increment();
            pksScheduled.increment(pks.length);
        }
    }

    /** Publishes what it holds, and notes up to when this producer did its work. */
    private void finish() {
        if (planner == null) {
            return;
        }
        long now = System.currentTimeMillis();
        for (BatchBuffer.Ready ready : buffer.take(now, true)) {
            enqueue(ready);
        }
        publishQueued();
        long through = planner.cursorMs();
        for (Outgoing left : outgoing) {
            through = Math.min(through, left.batch().dueAtMs());
        }
        stoppedWorkAt = Instant.ofEpochMilli(through);
    }

    /**
     * When this producer's work stopped, once {@link #close()} has returned: every pk of its
     * share due before then was published. Null when it never scheduled.
     */
    public Instant stoppedWorkAt() {
        return stoppedWorkAt;
    }

    /**
     * Stops scheduling: no batch is published once this returns. It publishes the pks it
     * still holds back, so that a stop announced afterwards comes after every batch and says
     * up to when the work was done.
     */
    @Override
    public void close() {
        if (stopping) {
            return;
        }
        stopping = true;
        try {
            loop.submit(guard.wrap(this::finish));
        } catch (java.util.concurrent.RejectedExecutionException alreadyStopped) {
            log.debug("the task scheduler had already stopped");
        }
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
