package io.mockstagram.pipeline.fetcher;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mockstagram.membership.Backoff;
import io.mockstagram.pipeline.ReadingBatch;
import io.mockstagram.pipeline.TaskBatch;
import io.mockstagram.pipeline.Tick;
import io.mockstagram.pipeline.deadletters.DeadLetter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fetches the pks of task batches with at most {@code maxInFlight} calls at once, retrying
 * failures with backoff. Everything here runs on one Vert.x event loop, so its state needs
 * no locks.
 */
final class FetchEngine {

    /** The readings of one task batch, and the pks that kept failing. */
    record Result(ReadingBatch readings, List<DeadLetter> deadLetters) {
    }

    private final class InProgress {
        final TaskBatch task;
        final String id;
        final Promise<Result> done = Promise.promise();
        final int[] followers;
        final int[] following;
        final long[] fetchedAt;
        final boolean[] fetched;
        final List<DeadLetter> deadLetters = new ArrayList<>();
        int remaining;

        InProgress(TaskBatch task, String id) {
            this.task = task;
            this.id = id;
            int n = task.pks().length;
            this.followers = new int[n];
            this.following = new int[n];
            this.fetchedAt = new long[n];
            this.fetched = new boolean[n];
            this.remaining = n;
        }

        void finishOne() {
            if (--remaining == 0) {
                done.complete(result());
            }
        }

        Result result() {
            int n = 0;
            for (boolean ok : fetched) {
                n += ok ? 1 : 0;
            }
            int[] pks = new int[n];
            int[] fol = new int[n];
            int[] fng = new int[n];
            long[] at = new long[n];
            for (int i = 0, j = 0; i < fetched.length; i++) {
                if (fetched[i]) {
                    pks[j] = task.pks()[i];
                    fol[j] = followers[i];
                    fng[j] = following[i];
                    at[j] = fetchedAt[i];
                    j++;
                }
            }
            return new Result(new ReadingBatch(id, task.tick(), task.intervalMs(), task.scheduledAtMs(), task.dueAtMs(),
                    pks, fol, fng, at, classifier.takeVerdicts()), deadLetters);
        }
    }

    private record Call(InProgress batch, int index, int attempt) {
    }

    private final Vertx vertx;
    private final ApiClient api;
    private final Classifier classifier;
    private final int maxInFlight;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Deque<Call> waiting = new ArrayDeque<>();
    private int inFlight;

    private final Counter readings;
    private final Counter retries;
    private final Counter deadLettered;
    private final Timer latency;
    private final Timer lag;

    FetchEngine(Vertx vertx, ApiClient api, Classifier classifier, int maxInFlight, int maxAttempts, Backoff backoff,
                MeterRegistry registry) {
        this.vertx = vertx;
        this.api = api;
        this.classifier = classifier;
        this.maxInFlight = maxInFlight;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.readings = Counter.builder("mockstagram.fetch.readings").description("Readings fetched").register(registry);
        this.retries = Counter.builder("mockstagram.fetch.retries").description("Calls tried again").register(registry);
        this.deadLettered = Counter.builder("mockstagram.fetch.deadletters")
                .description("Pks that kept failing, given up on").register(registry);
        this.latency = Timer.builder("mockstagram.fetch.latency").description("One call to the API")
                .publishPercentileHistogram().register(registry);
        this.lag = Timer.builder("mockstagram.fetch.lag").description("From when a task batch was due to each reading")
                .publishPercentileHistogram().register(registry);
    }

    /** Must be called on the engine's event loop. */
    Future<Result> fetch(TaskBatch task, String id) {
        var batch = new InProgress(task, id);
        if (batch.remaining == 0) {
            return Future.succeededFuture(batch.result());
        }
        for (int i = 0; i < task.pks().length; i++) {
            waiting.add(new Call(batch, i, 1));
        }
        pump();
        return batch.done.future();
    }

    int inFlight() {
        return inFlight;
    }

    private void pump() {
        while (inFlight < maxInFlight && !waiting.isEmpty()) {
            start(waiting.poll());
        }
    }

    private void start(Call call) {
        inFlight++;
        int pk = call.batch.task.pks()[call.index];
        long started = System.nanoTime();
        api.influencer(pk, call.batch.task.scheduledAtMs()).onComplete(outcome -> {
            inFlight--;
            latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (outcome.succeeded()) {
                record(call, outcome.result());
            } else {
                failed(call, outcome.cause());
            }
            pump();
        });
    }

    private void record(Call call, ApiClient.Counts counts) {
        InProgress batch = call.batch;
        long now = System.currentTimeMillis();
        batch.followers[call.index] = counts.followers();
        batch.following[call.index] = counts.following();
        batch.fetchedAt[call.index] = now;
        batch.fetched[call.index] = true;
        readings.increment();
        lag.record(Math.max(0, now - batch.task.dueAtMs()), TimeUnit.MILLISECONDS);
        classifier.consider(batch.task.pks()[call.index], batch.task.tick(), counts);
        batch.finishOne();
    }

    private void failed(Call call, Throwable cause) {
        boolean retryable = !(cause instanceof ApiFailure failure) || failure.retryable();
        if (retryable && call.attempt < maxAttempts) {
            retries.increment();
            vertx.setTimer(backoff.delay(call.attempt - 1).toMillis(), timer -> {
                waiting.addFirst(new Call(call.batch, call.index, call.attempt + 1));
                pump();
            });
            return;
        }
        deadLettered.increment();
        InProgress batch = call.batch;
        TaskBatch task = batch.task;
        batch.deadLetters.add(new DeadLetter(task.pks()[call.index],
                new Tick(task.tick(), Duration.ofMillis(task.intervalMs())).start(), DeadLetter.Stage.FETCH,
                String.valueOf(cause.getMessage()), call.attempt));
        batch.finishOne();
    }
}
