package io.mockstagram.pipeline.fetcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.membership.Backoff;
import io.mockstagram.pipeline.DeadLetter;
import io.mockstagram.pipeline.PipelineStreams;
import io.mockstagram.pipeline.TaskBatch;
import io.mockstagram.pipeline.WorkQueue;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.NatsMessage;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A fetcher: takes task batches from the work queue, fetches every pk, publishes one
 * reading batch per task batch and only then acknowledges the task. A fetcher that dies
 * mid-batch leaves the task unacknowledged, and another fetcher takes it; the reading batch
 * id is derived from the task's, so a batch published twice is stored once.
 */
public final class Fetcher implements RunningRole {

    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** A task batch may still be fetched this long after its tick, at least: time for a redelivery to land. */
    private static final Duration EXPIRY_FLOOR = Duration.ofSeconds(30);

    private final FetcherSettings settings;
    private final RoleContext context;
    private final NatsLink nats;
    private final Context loop;
    private final FetchEngine engine;
    private final PipelineStats stats;
    private final Counter expired;
    private OpsServer http;

    private Fetcher(FetcherSettings settings, RoleContext context) {
        this.settings = settings;
        this.context = context;
        var cluster = settings.cluster();
        this.nats = context.connectNats(cluster.nats(), true);
        PipelineStreams.ensureOnConnect(nats, cluster.namespace());
        var redis = context.connectRedis(cluster.redis(), REDIS_COMMAND_TIMEOUT, cluster.startupTimeout(), true);
        this.stats = new PipelineStats(redis.connection().async(), cluster.namespace());
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
        if (System.currentTimeMillis() > task.endsAtMs() + Math.max(task.intervalMs(), EXPIRY_FLOOR.toMillis())) {
            // Fetching it now would only push every later batch further behind; the next tick schedules it again.
            expired.increment();
            message.ack();
            release.run();
            return;
        }
        String readingsId = "readings:" + taskId(message);
        loop.runOnContext(ignored -> engine.fetch(task, readingsId).onComplete(outcome -> {
            if (outcome.failed()) {
                message.nak();
                release.run();
                return;
            }
            publish(outcome.result()).whenComplete((ack, failure) -> {
                if (failure != null) {
                    log.warn("could not publish readings; the task goes back to the queue: {}", failure.getMessage());
                    message.nak();
                } else {
                    message.ack();
                }
                release.run();
            });
        }));
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
            if (!result.deadLetters().isEmpty()) {
                stats.recordDeadLetters(result.deadLetters().size());
            }
            for (DeadLetter dead : result.deadLetters()) {
                connection.jetStream().publishAsync(NatsMessage.builder().subject(namespace.deadLetterSubject())
                        .data(Json.writeBytes(dead)).build());
                log.atWarn().setMessage("dead-lettered").addKeyValue("pk", dead.pk()).addKeyValue("tick", dead.tick())
                        .addKeyValue("attempts", dead.attempts()).addKeyValue("error", dead.error()).log();
            }
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
