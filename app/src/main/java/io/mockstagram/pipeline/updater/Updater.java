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
import io.mockstagram.pipeline.latest.LatestReadings;
import io.mockstagram.pipeline.latest.ViewRebuilder;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.pipeline.timeseries.TimeSeries;
import io.mockstagram.pipeline.timeseries.TimeSeriesStore;
import io.nats.client.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An updater: stores each reading batch in PostgreSQL (raw readings and per-influencer
 * aggregates, one transaction), then copies the aggregates it touched to the Redis view, then
 * acknowledges it. Both writes are idempotent per (pk, scheduled time), so a batch redelivered
 * after a crash at any point is stored exactly once. It also rebuilds the view when Redis
 * loses it.
 */
public final class Updater implements RunningRole {

    private static final Logger log = LoggerFactory.getLogger(Updater.class);
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAINTENANCE_EVERY = Duration.ofMinutes(5);
    /** How often an updater looks for a lost Redis view. */
    private static final Duration VIEW_CHECK_EVERY = Duration.ofSeconds(2);

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
                log.warn("could not store reading batch {}; it will be delivered again: {}", batch.id(), e.toString());
                message.nakWithDelay(Duration.ofSeconds(1));
            } finally {
                release.run();
            }
        });
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
