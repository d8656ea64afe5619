package io.mockstagram.pipeline.latest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mockstagram.pipeline.timeseries.AggregateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Notices a lost view and rebuilds it from PostgreSQL's aggregate table, without being asked.
 *
 * <p>The view is complete when its built marker holds the current format; a wipe, a restart
 * empty or a first start over the older format leaves it absent. Every few seconds each updater
 * looks, and the one that takes the rebuild lock streams the aggregate table into Redis,
 * {@value #CHUNK} rows a script call, one call in flight while the next chunk is read. Updaters
 * keep writing new readings meanwhile: the view keeps, per pk, the row with the most readings,
 * so a live write and the rebuild's copy of the same pk end with the newer whichever lands last,
 * and nothing is lost or counted twice. A wipe during the rebuild takes the lock with it, so that
 * rebuild cannot mark the view built, and the next look starts over.
 */
public final class ViewRebuilder implements AutoCloseable {

    static final int CHUNK = 1000;
    /** The lock outlives a stalled rebuild by this much at most; each chunk renews it. */
    static final Duration LOCK_LEASE = Duration.ofSeconds(15);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private static final Logger log = LoggerFactory.getLogger(ViewRebuilder.class);

    private final LatestReadings view;
    private final AggregateStore aggregates;
    private final Duration checkEvery;
    private final ScheduledExecutorService loop;
    private final Counter rebuilds;
    private final Timer rebuildTime;

    public ViewRebuilder(LatestReadings view, AggregateStore aggregates, Duration checkEvery, MeterRegistry registry) {
        this.view = view;
        this.aggregates = aggregates;
        this.checkEvery = checkEvery;
        this.loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "view-rebuilder");
            thread.setDaemon(true);
            return thread;
        });
        this.rebuilds = Counter.builder("mockstagram.view.rebuilds")
                .description("Rebuilds of the Redis view from PostgreSQL completed by this process").register(registry);
        this.rebuildTime = Timer.builder("mockstagram.view.rebuild").description("One rebuild of the Redis view")
                .register(registry);
    }

    /** Looks now, then every {@code checkEvery}. */
    public ViewRebuilder start() {
        loop.scheduleWithFixedDelay(this::check, 0, checkEvery.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void check() {
        try {
            if (!view.isBuilt().toCompletableFuture().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                rebuildIfFree();
            }
        } catch (Exception e) {
            log.warn("could not check or rebuild the Redis view; will try again: {}", e.toString());
        }
    }

    /**
     * Rebuilds the view unless another process holds the rebuild lock.
     *
     * @return whether this call rebuilt it and marked it built
     */
    public boolean rebuildIfFree() throws Exception {
        String token = UUID.randomUUID().toString();
        if (!join(view.lockRebuild(token, LOCK_LEASE))) {
            return false;
        }
        long started = System.nanoTime();
        log.atInfo().setMessage("the Redis view is missing; rebuilding it from PostgreSQL").log();
        join(view.dropLegacy());
        CompletableFuture<?>[] pending = {CompletableFuture.completedFuture(true)};
        long rows = aggregates.scan(CHUNK, chunk -> {
            awaitHeld(pending[0]);
            CompletableFuture<Boolean> held = view.renewRebuild(token, LOCK_LEASE).toCompletableFuture();
            CompletableFuture<?> copied = view.applyWhole(chunk.rows())
                    .thenCompose(outcome -> view.recordVerdicts(chunk.verdicts())).toCompletableFuture();
            pending[0] = held.thenCombine(copied, (stillHeld, ignored) -> stillHeld);
        });
        awaitHeld(pending[0]);
        boolean marked = join(view.markBuilt(token));
        long elapsed = System.nanoTime() - started;
        if (!marked) {
            log.warn("the Redis view was lost again while it was rebuilt; starting over");
            return false;
        }
        rebuilds.increment();
        rebuildTime.record(elapsed, TimeUnit.NANOSECONDS);
        log.atInfo().setMessage("the Redis view is rebuilt").addKeyValue("influencers", rows)
                .addKeyValue("seconds", String.format("%.1f", elapsed / 1e9)).log();
        return true;
    }

    private static void awaitHeld(CompletableFuture<?> pending) throws Exception {
        if (Boolean.FALSE.equals(pending.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))) {
            throw new IllegalStateException("lost the rebuild lock (Redis wiped or restarted mid-rebuild)");
        }
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
