package io.mockstagram.pipeline.updater;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.pipeline.PipelineStreams;
import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.WorkQueue;
import io.mockstagram.pipeline.deadletters.DeadLetter;
import io.mockstagram.pipeline.deadletters.DeadLetterStore;
import io.mockstagram.pipeline.deadletters.DeadLetters;
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.latest.ViewRebuilder;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesStore;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An updater: stores each reading batch in PostgreSQL (raw readings and per-influencer
 * aggregates, one transaction), then copies the aggregates it touched to the Redis view, then
 * acknowledges it. Both writes are idempotent per (pk, scheduled time), so a batch redelivered
 * after a crash at any point is stored exactly once. A batch that keeps failing is dropped
 * after a bounded number of deliveries, its readings dead-lettered in PostgreSQL. It also
 * rebuilds the view when Redis loses it.
 */
public final class Updater implements RunningRole {

    private static final Logger log = LoggerFactory.getLogger(Updater.class);
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAINTENANCE_EVERY = Duration.ofMinutes(5);
    /** How often an updater looks for a lost Redis view. */
    private static final Duration VIEW_CHECK_EVERY = Duration.ofSeconds(2);
    /** How soon a batch given up on comes back when its dead letters could not be recorded. */
    private static final Duration GIVE_UP_RETRY = Duration.ofSeconds(30);

    private final RoleContext context;
    private final TimeSeries timeSeries;
    private final AheadOfTime aheadOfTime;
    private final LatestReadings latest;
    private final PipelineStats stats;
    private final ExecutorService writers;
    private final Counter stored;
    private final Counter duplicates;
    private final Counter future;
    private final Counter failures;
    private final Timer lag;
    private final Timer writeTime;
    private final int maxDeliveries;
    private final DeadLetters deadLetters;
    private final Counter givenUp;
    private OpsServer http;

    private Updater(UpdaterSettings settings, RoleContext context) {
        this.context = context;
        var cluster = settings.cluster();
        var registry = context.registry();
        NatsLink nats = context.connectNats(cluster.nats(), true);
        PipelineStreams.ensureOnConnect(nats, cluster.namespace());
        var redis = context.connectRedis(cluster.redis(), REDIS_COMMAND_TIMEOUT, cluster.startupTimeout(), true);
        this.aheadOfTime = new AheadOfTime(redis.connection().async(), REDIS_COMMAND_TIMEOUT);
        this.latest = new LatestReadings(redis.connection().async(), cluster.namespace());
        latest.preload().toCompletableFuture().join();
        this.stats = new PipelineStats(redis.connection().async(), cluster.namespace());
        this.timeSeries = context.own(TimeSeries.open(settings.database(), cluster.namespace(), settings.timeSeries(),
                cluster.startupTimeout(), registry));

        this.writers = Executors.newFixedThreadPool(settings.batchesInFlight(), runnable -> {
            Thread thread = new Thread(runnable, "updater-writer");
            thread.setDaemon(true);
            return thread;
        });
        context.own(writers::shutdownNow);
        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "partition-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        context.own(maintenance::shutdownNow);
        maintenance.scheduleWithFixedDelay(this::maintainPartitions, MAINTENANCE_EVERY.toMinutes(),
                MAINTENANCE_EVERY.toMinutes(), TimeUnit.MINUTES);

        this.stored = Counter.builder("mockstagram.update.readings").description("Readings stored for the first time")
                .register(registry);
        this.duplicates = Counter.builder("mockstagram.update.duplicates")
                .description("Readings already stored (redelivered or fetched twice)").register(registry);
        this.future = Counter.builder("mockstagram.update.future")
                .description("Readings refused because they were scheduled more than an interval ahead of Redis time")
                .register(registry);
        this.failures = Counter.builder("mockstagram.update.failures").register(registry);
        // The default histogram ends at 30 s; a pipeline that falls behind lags by minutes, and
        // its percentiles must still be readable from the buckets.
        this.lag = Timer.builder("mockstagram.update.lag").description("From when a pk was due until its reading is stored")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        this.writeTime = Timer.builder("mockstagram.update.batch").description("Storing one reading batch")
                .publishPercentileHistogram().register(registry);

        context.own(new ViewRebuilder(latest, timeSeries.store().aggregates(), VIEW_CHECK_EVERY, registry)).start();
        this.maxDeliveries = settings.maxDeliveries();
        this.deadLetters = new DeadLetters(new DeadLetterStore(timeSeries.dataSource(), cluster.namespace()), stats);
        this.givenUp = Counter.builder("mockstagram.update.batches.given.up")
                .description("Reading batches dropped after --max-deliveries failed deliveries, their readings dead-lettered")
                .register(registry);
        context.own(new WorkQueue(nats, cluster.namespace().readingsStream(), "updaters", settings.ackWait(),
                settings.batchesInFlight(), WorkQueue.json(ReadingBatch.class, this::handle))).start();
    }

    public static Updater start(UpdaterSettings settings) {
        RoleContext context = RoleContext.create("updater", "updater-" + ProcessHandle.current().pid(), 1);
        try {
            Updater updater = new Updater(settings, context);
            updater.http = context.serveHttp(settings.httpPort(), router -> { });
            return updater;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public int httpPort() {
        return http.port();
    }

    private void handle(ReadingBatch batch, Message message, Runnable release) {
        writers.execute(() -> {
            try {
                store(batch);
                message.ack();
            } catch (Exception e) {
                failures.increment();
                failed(batch, message, e);
            } finally {
                release.run();
            }
        });
    }

    /**
     * A batch that failed to store comes back, later each time, until it has been delivered
     * {@code --max-deliveries} times; then its readings are dead-lettered and it is dropped.
     * Only once PostgreSQL holds the dead letters: until then it keeps coming back.
     */
    private void failed(ReadingBatch batch, Message message, Exception cause) {
        long delivered = message.metaData().deliveredCount();
        if (delivered < maxDeliveries) {
            log.warn("could not store reading batch {} (delivery {} of {}); it will be delivered again: {}", batch.id(),
                    delivered, maxDeliveries, cause.toString());
            message.nakWithDelay(redeliveryDelay(delivered));
            return;
        }
        String reason = "not stored after " + delivered + " deliveries: " + cause.getMessage();
        List<DeadLetter> readings = Arrays.stream(batch.pks())
                .mapToObj(pk -> new DeadLetter(pk, batch.scheduledAt(), DeadLetter.Stage.STORE, reason, (int) delivered))
                .toList();
        try {
            deadLetters.record(readings);
        } catch (Exception e) {
            log.warn("giving up on reading batch {}, but cannot record its dead letters; it will be delivered again: {}",
                    batch.id(), e.toString());
            message.nakWithDelay(GIVE_UP_RETRY);
            return;
        }
        givenUp.increment();
        log.atError().setMessage("gave up on a reading batch; its readings are dead-lettered").addKeyValue("batch", batch.id())
                .addKeyValue("readings", batch.size()).addKeyValue("deliveries", delivered).addKeyValue("reason", reason).log();
        message.term();
    }

    /** 1 s, 2 s, 4 s... up to 30 s: time for a restarting server to come back before the batch is given up. */
    static Duration redeliveryDelay(long delivered) {
        return Duration.ofSeconds(Math.min(30, 1L << Math.min(5, Math.max(0, delivered - 1))));
    }

    /**
     * PostgreSQL first: the raw readings and the aggregates in one transaction. Once they are
     * durable there, Redis can always be brought up to date, by a redelivery or by a rebuild.
     */
    private void store(ReadingBatch batch) throws Exception {
        long started = System.nanoTime();
        if (aheadOfTime.refuses(batch)) {
            future.increment(batch.size());
            log.atWarn().setMessage("refused a reading batch scheduled more than an interval ahead of Redis time")
                    .addKeyValue("batch", batch.id()).addKeyValue("scheduledAt", batch.scheduledAt()).log();
            deadLetters.record(Arrays.stream(batch.pks())
                    .mapToObj(pk -> new DeadLetter(pk, batch.scheduledAt(), DeadLetter.Stage.STORE,
                            "refused: scheduled more than an interval ahead of Redis time", 1))
                    .toList());
            return;
        }
        TimeSeriesStore.Stored kept = timeSeries.store().insert(batch);
        timeSeries.store().aggregates().recordVerdicts(batch.verdicts());
        int inserted = kept.inserted();
        // The rows PostgreSQL holds, not the batch: the same (pk, scheduled time) fetched twice
        // carries different counts, and Redis must hold what PostgreSQL holds.
        latest.apply(batch.scheduledAtMs(), inserted, kept.aggregates())
                .thenCompose(outcome -> latest.recordVerdicts(batch.verdicts())).toCompletableFuture()
                .get(REDIS_COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        writeTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        stored.increment(inserted);
        duplicates.increment(batch.size() - inserted);
        long lagMs = Math.max(0, System.currentTimeMillis() - batch.dueAtMs());
        lag.record(lagMs, TimeUnit.MILLISECONDS);
        if (inserted > 0) {
            stats.recordBatch(batch.tick(), inserted, lagMs);
        }
    }

    private void maintainPartitions() {
        try {
            var done = timeSeries.partitions().maintain();
            if (!done.created().isEmpty() || !done.dropped().isEmpty()) {
                log.atInfo().setMessage("partitions maintained").addKeyValue("created", done.created().size())
                        .addKeyValue("dropped", done.dropped().size()).log();
            }
        } catch (RuntimeException e) {
            log.warn("partition maintenance failed; will try again: {}", e.getMessage());
        }
    }

    @Override
    public void awaitStop() throws InterruptedException {
        context.awaitClosed();
    }

    @Override
    public void close() {
        context.close();
    }
}
