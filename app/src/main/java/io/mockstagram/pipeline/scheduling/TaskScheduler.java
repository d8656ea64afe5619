package io.mockstagram.pipeline.scheduling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.config.Namespace;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.Member;
import io.mockstagram.membership.partition.Partitioner;
import io.mockstagram.pipeline.StreamDrops;
import io.mockstagram.pipeline.TaskBatch;
import io.mockstagram.pipeline.Tick;
import io.nats.client.Connection;
import io.nats.client.PublishOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
 */
public final class TaskScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TaskScheduler.class);
    private static final Duration STEP = Duration.ofMillis(50);
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    private final Member member;
    private final Partitioner partitioner;
    private final Schedule schedule;
    private final NatsLink nats;
    private final Namespace namespace;
    private final ScheduledExecutorService loop;
    private final Counter batchesPublished;
    private final Counter pksScheduled;
    private final Counter publishFailures;
    private final StreamDrops drops;
    private Plan plan;
    private final BitSet scheduled;
    private boolean failing;

    public TaskScheduler(Member member, Partitioner partitioner, Schedule schedule, NatsLink nats, Namespace namespace,
                         StreamDrops drops, MeterRegistry registry) {
        this.member = member;
        this.drops = drops;
        this.partitioner = partitioner;
        this.schedule = schedule;
        this.nats = nats;
        this.namespace = namespace;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "task-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        this.batchesPublished = Counter.builder("mockstagram.tasks.batches").description("Task batches published")
                .register(registry);
        this.pksScheduled = Counter.builder("mockstagram.tasks.pks").description("Pks scheduled").register(registry);
        this.publishFailures = Counter.builder("mockstagram.tasks.publish.failures").register(registry);
        this.scheduled = new BitSet(schedule.range().count());
    }

    public TaskScheduler start() {
        loop.scheduleWithFixedDelay(this::step, 0, STEP.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void step() {
        try {
            Assignment assignment = member.assignment();
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
                log.atInfo().setMessage("scheduling").addKeyValue("tick", tick.index())
                        .addKeyValue("number", assignment.serverNumber()).addKeyValue("total", assignment.total())
                        .addKeyValue("epoch", assignment.epoch()).addKeyValue("pks", plan.pks())
                        .addKeyValue("batches", plan.size()).addKeyValue("overMs", plan.window().toMillis()).log();
            }
            publishDue(now);
        } catch (RuntimeException e) {
            log.error("scheduling step failed", e);
        }
    }

    private void publishDue(Instant now) {
        Connection connection = nats.connection().orElse(null);
        while (plan.hasDue(now)) {
            // Checked before every batch: a producer that may have lost its number stops at once.
            if (connection == null || !member.assignment().isActive()) {
                return;
            }
            int index = plan.nextIndex();
            int[] pks = plan.nextBatch();
            Assignment assignment = plan.assignment;
            var batch = new TaskBatch(plan.tick.index(), schedule.interval().toMillis(), plan.dueAtMs(index),
                    assignment.epoch(), assignment.serverName(), pks);
            try {
                connection.jetStream().publish(namespace.tasksSubject(), Json.writeBytes(batch),
                        PublishOptions.builder().messageId(batch.id(assignment.serverNumber(), index))
                                .stream(namespace.tasksStream()).streamTimeout(PUBLISH_TIMEOUT).build());
            } catch (Exception e) {
                if (StreamDrops.isLimitRejection(e)) {
                    // The queue is full and will stay so for a while: retrying would only hold up
                    // every later batch. Dropped, and counted as such.
                    drops.dropped(StreamDrops.Queue.TASKS);
                    log.warn("the tasks queue is full; dropped a batch of {} pks: {}", pks.length, e.getMessage());
                    plan.advance();
                    continue;
                }
                publishFailures.increment();
                if (!failing) {
                    log.warn("cannot publish task batches; retrying: {}", e.getMessage());
                    failing = true;
                }
                return;
            }
            failing = false;
            for (int pk : pks) {
                scheduled.set(pk - schedule.range().first());
            }
            plan.advance();
            batchesPublished.increment();
            pksScheduled.increment(pks.length);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
