package io.mockstagram.pipeline.fetcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.membership.Backoff;
import io.mockstagram.pipeline.PipelineStreams;
import io.mockstagram.pipeline.StreamDrops;
import io.mockstagram.pipeline.TaskBatch;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.pipeline.WorkQueue;
import io.mockstagram.pipeline.deadletters.DeadLetter;
import io.mockstagram.pipeline.deadletters.DeadLetterStore;
import io.mockstagram.pipeline.deadletters.DeadLetters;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.pipeline.timeseries.Database;
import io.mockstagram.pipeline.timeseries.ReadingsTable;
import io.mockstagram.pipeline.timeseries.SchemaMigrations;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A fetcher: takes task batches from the work queue, fetches every pk, publishes one
 * reading batch per task batch and only then acknowledges the task. A fetcher that dies
 * mid-batch leaves the task unacknowledged, and another fetcher takes it; the reading batch
 * id is derived from the task's, so a batch published twice is stored once. The pks it gives
 * up on (the API kept failing, or the task came too late) are recorded in PostgreSQL before
 * the task is acknowledged, so that none vanishes without a record.
 */
public final class Fetcher implements RunningRole {

    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** Dead letters are rare and small: two connections are plenty. */
    private static final int DATABASE_POOL = 2;
    private static final Duration RETRY_DELAY = Duration.ofSeconds(1);
    /** A task batch may still be fetched this long after its tick, at least: time for a redelivery to land. */
    private static final Duration EXPIRY_FLOOR = Duration.ofSeconds(30);

    private final FetcherSettings settings;
    private final RoleContext context;
    private final NatsLink nats;
    private final Context loop;
    private final FetchEngine engine;
    private final DeadLetters deadLetters;
    private final StreamDrops drops;
    private final Counter expired;
    private OpsServer http;

    private Fetcher(FetcherSettings settings, RoleContext context) {
        this.settings = settings;
        this.context = context;
        var cluster = settings.cluster();
        this.nats = context.connectNats(cluster.nats(), true);
        PipelineStreams.ensureOnConnect(nats, cluster.namespace());
        var redis = context.connectRedis(cluster.redis(), REDIS_COMMAND_TIMEOUT, cluster.startupTimeout(), true);
        var database = context.own(Database.open(settings.database(), DATABASE_POOL, cluster.startupTimeout(),
                context.registry()));
        SchemaMigrations.migrate(settings.database(), ReadingsTable.of(cluster.namespace()));
        var stats = new PipelineStats(redis.connection().async(), cluster.namespace());
        this.deadLetters = new DeadLetters(new DeadLetterStore(database.dataSource(), cluster.namespace()), stats);
        this.drops = new StreamDrops(stats, context.registry());
        this.loop = context.vertx().getOrCreateContext();
        var api = context.own(new ApiClient(context.vertx(), settings.apiUrl(), settings.connections(),
                settings.pipelining(), settings.classifyInFlight(), settings.requestTimeout()));
        var classifier = new Classifier(api, settings.classifyEvery(), settings.interval(),
                settings.classifyInFlight(), context.registry());
        this.engine = new FetchEngine(context.vertx(), api, classifier, settings.concurrency(), settings.maxAttempts(),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2)), context.registry());
        this.expired = Counter.builder("mockstagram.fetch.tasks.expired")
                .description("Task batches skipped because their tick was long over").register(context.registry());
        Gauge.builder("mockstagram.fetch.inflight", engine::inFlight).register(context.registry());
        context.own(new WorkQueue(nats, cluster.namespace().tasksStream(), "fetchers", settings.ackWait(),
                settings.batchesInFlight(), WorkQueue.json(TaskBatch.class, this::handle))).start();
    }

    public static Fetcher start(FetcherSettings settings) {
        RoleContext context = RoleContext.create("fetcher", "fetcher-" + ProcessHandle.current().pid(), 1);
        try {
            Fetcher fetcher = new Fetcher(settings, context);
            fetcher.http = context.serveHttp(settings.httpPort(), router -> { });
            return fetcher;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public int httpPort() {
        return http.port();
    }

    private void handle(TaskBatch task, Message message, Runnable release) {
        long lateMs = System.currentTimeMillis() - task.endsAtMs();
        if (lateMs > Math.max(task.intervalMs(), EXPIRY_FLOOR.toMillis())) {
            // Fetching it now would only push every later batch further behind; the next tick schedules it again.
            expired.increment();
            String reason = "not fetched: its interval had ended " + Duration.ofMillis(lateMs).toSeconds() + " s before";
            List<DeadLetter> skipped = Arrays.stream(task.pks())
                    .mapToObj(pk -> new DeadLetter(pk, tickStart(task), DeadLetter.Stage.FETCH, reason, 0)).toList();
            record(skipped).whenComplete((ignored, failure) -> settle(message, failure, "record its skipped pks"))
                    .whenComplete((ignored, failure) -> release.run());
            return;
        }
        String readingsId = "readings:" + taskId(message);
        loop.runOnContext(ignored -> engine.fetch(task, readingsId).onComplete(outcome -> {
            if (outcome.failed()) {
                message.nak();
                release.run();
                return;
            }
            FetchEngine.Result result = outcome.result();
            record(result.deadLetters())
                    .thenCompose(recorded -> publish(result).whenComplete((ack, failure) -> {
                        // The task goes back to the queue and is fetched again, perhaps once there is room.
                        if (failure != null && StreamDrops.isLimitRejection(failure)) {
                            drops.dropped(StreamDrops.Queue.READINGS);
                        }
                    }))
                    .whenComplete((ack, failure) -> settle(message, failure, "record its dead letters or publish its readings"))
                    .whenComplete((ack, failure) -> release.run());
        }));
    }

    /** Acks a task once its outcome is safe; otherwise it goes back to the queue, to be tried again. */
    private static void settle(Message message, Throwable failure, String what) {
        if (failure == null) {
            message.ack();
        } else {
            log.warn("could not {}; the task goes back to the queue: {}", what, failure.getMessage());
            // A moment's delay: a task that cannot be settled now would otherwise come straight back.
            message.nakWithDelay(RETRY_DELAY);
        }
    }

    private static Instant tickStart(TaskBatch task) {
        return Instant.ofEpochMilli(task.scheduledAtMs());
    }

    /** Stores dead letters off the event loop; completes once PostgreSQL holds them. */
    private CompletableFuture<Integer> record(List<DeadLetter> given) {
        if (given.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        return context.vertx().executeBlocking(() -> deadLetters.record(given), false).toCompletionStage()
                .toCompletableFuture();
    }

    private static String taskId(Message message) {
        String id = message.getHeaders() == null ? null : message.getHeaders().getFirst("Nats-Msg-Id");
        return id != null ? id : "seq-" + message.metaData().streamSequence();
    }

    private CompletableFuture<PublishAck> publish(FetchEngine.Result result) {
        Connection connection = nats.connection().orElse(null);
        if (connection == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("NATS not connected"));
        }
        var namespace = settings.cluster().namespace();
        try {
            return connection.jetStream().publishAsync(namespace.readingsSubject(), Json.writeBytes(result.readings()),
                    PublishOptions.builder().messageId(result.readings().id()).stream(namespace.readingsStream()).build());
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
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
