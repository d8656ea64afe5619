package io.mockstagram.producer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.mockstagram.config.ConfigException;
import io.mockstagram.events.ClusterEvents;
import io.mockstagram.events.EpochFloor;
import io.mockstagram.events.ProducerStopped;
import io.mockstagram.infra.HttpJson;
import io.mockstagram.infra.Json;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.RoleContext;
import io.mockstagram.infra.RunningRole;
import io.mockstagram.membership.Assignment;
import io.mockstagram.membership.ChangeWatcher;
import io.mockstagram.membership.Member;
import io.mockstagram.membership.MemberState;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.pipeline.PipelineStreams;
import io.mockstagram.pipeline.scheduling.ChangeHistory;
import io.mockstagram.pipeline.scheduling.TaskPublisher;
import io.mockstagram.pipeline.StreamDrops;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.pipeline.scheduling.TaskScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A producer: one member of the numbering. It joins, keeps its lease, follows the nurse's
 * renumbering, schedules its share of the pks every tick, and on a graceful stop announces
 * it and leaves at once.
 */
public final class Producer implements RunningRole {

    private static final Logger log = LoggerFactory.getLogger(Producer.class);
    private static final Duration REDIS_COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration EPOCH_FLOOR_WAIT = Duration.ofSeconds(2);

    private final ProducerSettings settings;
    private final RoleContext context;
    private final Member member;
    private final TaskScheduler scheduler;
    private final ClusterEvents events;
    private final OpsServer http;
    private final AtomicBoolean stopping = new AtomicBoolean();

    private Producer(ProducerSettings settings, RoleContext context, Member member, TaskScheduler scheduler,
                     ClusterEvents events, OpsServer http) {
        this.settings = settings;
        this.context = context;
        this.member = member;
        this.scheduler = scheduler;
        this.events = events;
        this.http = http;
    }

    public static Producer start(ProducerSettings settings) {
        String name = settings.name();
        RoleContext context = RoleContext.create("producer", name, 1);
        try {
            var redis = context.connectRedis(settings.cluster().redis(), REDIS_COMMAND_TIMEOUT,
                    settings.cluster().startupTimeout(), true);
            var membershipRedis = context.connectMembershipRedis(settings.cluster().redis(), REDIS_COMMAND_TIMEOUT,
                    settings.cluster().startupTimeout());
            NatsLink nats = context.connectNats(settings.cluster().nats(), true);
            var events = new ClusterEvents(nats, settings.cluster().namespace());
            EpochFloor epochFloor = context.own(new EpochFloor(nats, settings.cluster().namespace()));
            var store = new RedisMembershipStore(membershipRedis.connection().async(),
                    settings.cluster().namespace().membershipKeys());
            Member member = context.own(new Member(store, settings.memberConfig()));

            member.addListener(new MembershipLog(store));
            MemberEvents.wire(member, events);
            context.own(new ChangeWatcher(membershipRedis.connectPubSub(), settings.cluster().namespace().membershipKeys()))
                    .watch(member);
            bindMetrics(context, member);

            PipelineStreams.ensureOnConnect(nats, settings.cluster().namespace());
            var drops = new StreamDrops(new PipelineStats(redis.connection().async(), settings.cluster().namespace()),
                    context.registry());
            TaskScheduler scheduler = context.own(new TaskScheduler(member::assignment, member.incarnation(),
                    settings.partitioner(), settings.schedule(), ChangeHistory.of(store, REDIS_COMMAND_TIMEOUT),
                    TaskPublisher.jetStream(nats, settings.cluster().namespace()), drops, context.registry(),
                    context.guard("scheduler"))).start();

            context.readiness().require("membership", () -> member.assignment().isActive());
            OpsServer http = context.serveHttp(settings.httpPort(), router -> router.get("/status")
                    .handler(ctx -> HttpJson.send(ctx, 200, ProducerStatus.of(member))));

            // Run every code path once before it counts: scripts loaded, the map read, and a
            // leave that matches no incarnation (a no-op), so that joining and a graceful stop
            // later cost one round trip each rather than class loading and interpretation.
            Json.write(new ProducerStopped(name, member.incarnation(), 0, Instant.now(), Instant.now()));
            // Whoever watches this producer asks for /status as soon as it appears in the map,
            // which is mid-join: that first request should find the HTTP stack loaded.
            http.prime("/status");
            store.preload()
                    .thenCompose(loaded -> store.snapshot())
                    .thenCompose(snapshot -> store.leave(name, "warm-up-" + member.incarnation(), 0))
                    .toCompletableFuture()
                    .get(settings.cluster().startupTimeout().toMillis(), TimeUnit.MILLISECONDS);
            // Epochs start above the highest the cluster recorded, should Redis and every
            // process that saw them be gone.
            member.raiseEpochFloor(epochFloor.load(EPOCH_FLOOR_WAIT));
            // Start-up leaves tens of megabytes of garbage and class metadata: collected now, before
            // holding a lease, rather than in the first collections after joining, which on a busy
            // machine were measured to stop this process for 250-500 ms (a one-second lease fences
            // at 500 ms).
            System.gc();
            // Listening before the member starts, so that the figure stops when it turns ACTIVE
            // rather than when this thread gets round to asking.
            AtomicLong joinStart = new AtomicLong();
            member.firstActive().thenAccept(active -> {
                long nanos = System.nanoTime() - joinStart.get();
                // A join into a map younger than one lease waits out the rest of it by design; kept apart.
                Timer.builder("mockstagram.membership.join")
                        .description("From starting to join until first ACTIVE")
                        .tag("map", member.waitedForYoungMap() ? "young" : "settled")
                        .register(context.registry())
                        .record(nanos, TimeUnit.NANOSECONDS);
                log.atInfo().setMessage("active").addKeyValue("member", name)
                        .addKeyValue("number", active.serverNumber()).addKeyValue("total", active.total())
                        .addKeyValue("joinMs", TimeUnit.NANOSECONDS.toMillis(nanos)).log();
            });
            joinStart.set(System.nanoTime());
            member.start();
            return new Producer(settings, context, member, scheduler, events, http);
        } catch (ExecutionException | TimeoutException e) {
            context.close();
            throw new ConfigException(settings.cluster().redis().setting().source() + ": Redis does not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            context.close();
            throw new IllegalStateException("interrupted while starting", e);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    public int httpPort() {
        return http.port();
    }

    public Assignment assignment() {
        return member.assignment();
    }

    @Override
    public void awaitStop() throws InterruptedException {
        context.awaitClosed();
    }

    @Override
    public void close() {
        stopGracefully();
    }

    /**
     * Stops acting, then lets go: the scheduler stops (no batch is published after this
     * producer's share passes to another) and says when its work stopped; the producer leaves
     * without waiting for the lease to run out, announces the stop (so that the nurse removes
     * it should the leave not get through), and closes everything.
     */
    public void stopGracefully() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        scheduler.close();
        Instant stoppedWorkAt = scheduler.stoppedWorkAt();
        Assignment last = member.assignment();
        // Leave first: the member stops renewing at once, so that it cannot hear of the nurse's
        // removal and rejoin; the announcement, sent meanwhile, is the fallback.
        var left = member.leave(stoppedWorkAt).toCompletableFuture();
        var announced = events.publish(new ProducerStopped(settings.name(), member.incarnation(), last.epoch(),
                Instant.now(), stoppedWorkAt));
        try {
            left.get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not leave ({}); the nurse will evict this producer when its lease runs out", e.toString());
        }
        try {
            announced.get(500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.warn("could not announce the stop: {}", e.toString());
        }
        context.close();
    }

    private static void bindMetrics(RoleContext context, Member member) {
        var registry = context.registry();
        Gauge.builder("mockstagram.membership.server.number", () -> {
            Integer number = member.assignment().serverNumberIfActive();
            return number == null ? 0 : number;
        }).description("This producer's number, 0 unless ACTIVE").register(registry);
        // Not "total": Prometheus reserves that suffix for counters.
        Gauge.builder("mockstagram.membership.members", () -> member.assignment().total())
                .description("TOTAL as this producer last saw it").register(registry);
        Gauge.builder("mockstagram.membership.epoch", () -> member.assignment().epoch()).register(registry);
        for (MemberState state : MemberState.values()) {
            Gauge.builder("mockstagram.membership.state", () -> member.assignment().state() == state ? 1 : 0)
                    .tag("state", state.name()).register(registry);
        }
        FunctionCounter.builder("mockstagram.membership.loop.failures", member, Member::loopFailures)
                .description("Failures caught and survived in the membership loops").tag("loop", "member")
                .register(registry);
        Timer renewal = Timer.builder("mockstagram.membership.renewal")
                .description("Lease renewal round trip: sent until the reply is handled on the member's thread")
                .publishPercentiles(0.5, 0.99, 0.999)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(member.config().lease())
                .register(registry);
        member.addRenewalObserver(nanos -> renewal.record(nanos, TimeUnit.NANOSECONDS));
        Counter fenced = Counter.builder("mockstagram.membership.fenced").description("Times this producer fenced itself")
                .register(registry);
        member.addListener((previous, current) -> {
            if (previous.isActive() && current.state() == MemberState.FENCED) {
                fenced.increment();
            }
        });
    }
}
