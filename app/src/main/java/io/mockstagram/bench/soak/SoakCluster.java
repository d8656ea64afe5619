package io.mockstagram.bench.soak;

import io.mockstagram.config.Namespace;
import io.mockstagram.local.NatsServer;
import io.mockstagram.local.PortPool;
import io.mockstagram.local.PostgresServer;
import io.mockstagram.local.RedisServer;
import io.mockstagram.local.RoleProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The whole system on this machine, on servers of its own (never shared ones, since the soak
 * restarts and wipes them): Redis, NATS with JetStream and PostgreSQL, the mock API recording what
 * it serves, nurses, producers, fetchers, updaters and the dashboard, each role its own process.
 */
final class SoakCluster implements AutoCloseable {

    static final Namespace NAMESPACE = new Namespace("soak");

    private final SoakOptions options;
    private final PortPool ports = new PortPool();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final RedisServer redis;
    private final NatsServer nats;
    private final PostgresServer postgres;
    private final Map<String, RoleSlot> producers = new LinkedHashMap<>();
    private final List<RoleSlot> nurses = new ArrayList<>();
    private final List<RoleSlot> fetchers = new ArrayList<>();
    private final List<RoleSlot> updaters = new ArrayList<>();
    private RoleSlot api;
    private RoleSlot dashboard;

    private SoakCluster(SoakOptions options, Map<String, String> roleEnv) {
        this.options = options;
        this.env.putAll(roleEnv);
        Path servers = options.workDir().resolve("servers");
        this.redis = new RedisServer(ports.next(), servers.resolve("redis"));
        this.nats = new NatsServer(ports.next(), servers.resolve("nats"));
        this.postgres = new PostgresServer(ports.next(), servers.resolve("postgres"));
    }

    static SoakCluster start(SoakOptions options) {
        return start(options, Map.of());
    }

    /** The same, with {@code roleEnv} (lease settings, say) in every role's environment. */
    static SoakCluster start(SoakOptions options, Map<String, String> roleEnv) {
        var cluster = new SoakCluster(options, roleEnv);
        try {
            cluster.launch();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void launch() {
        // initdb is slow on a busy machine; the roles start meanwhile, and those that need
        // PostgreSQL keep trying to reach it for their start-up timeout.
        CompletableFuture<Void> postgresUp = CompletableFuture.runAsync(postgres::start);
        redis.start();
        nats.start();
        int apiPort = ports.next();
        env.put("REDIS_URL", redis.url());
        env.put("NATS_URL", nats.url());
        env.put("DATABASE_URL", postgres.url());
        env.put("MOCKSTAGRAM_NAMESPACE", NAMESPACE.name());
        env.put("MOCKSTAGRAM_INFLUENCERS", Integer.toString(options.influencers()));
        env.put("MOCKSTAGRAM_INTERVAL", options.interval().toMillis() + "ms");
        env.put("MOCKSTAGRAM_API_URL", "http://127.0.0.1:" + apiPort);
        // A killed fetcher's or updater's batches go to another one well before their tick
        // expires (max(interval, 30 s) after it ends), so a crash delays readings but loses none.
        env.put("MOCKSTAGRAM_ACK_WAIT", "10s");
        env.put("MOCKSTAGRAM_STARTUP_TIMEOUT", "120s");
        env.put("LOG_LEVEL", "INFO");
        Map<String, String> quiet = new LinkedHashMap<>(env);
        quiet.put("LOG_LEVEL", "WARN");

        api = slot("api", "api", RoleProcess.API_JVM, List.of("--record-served", "--seed", Long.toString(options.seed())),
                apiPort, quiet).start();
        for (int i = 1; i <= options.nurses(); i++) {
            nurses.add(slot("nurse-" + i, "nurse", membershipJvm("nurse-" + i), List.of(), ports.next(), env).start());
        }
        for (int i = 1; i <= options.updaters(); i++) {
            updaters.add(slot("updater-" + i, "updater", RoleProcess.PIPELINE_JVM, List.of(), ports.next(), quiet).start());
        }
        for (int i = 1; i <= options.fetchers(); i++) {
            fetchers.add(slot("fetcher-" + i, "fetcher", RoleProcess.PIPELINE_JVM, List.of(), ports.next(), quiet).start());
        }
        dashboard = slot("dashboard", "dashboard", RoleProcess.PIPELINE_JVM, List.of(), ports.next(), quiet).start();
        for (int i = 1; i <= options.producers(); i++) {
            String name = "producer-" + i;
            producers.put(name, slot(name, "producer", membershipJvm(name), List.of("--name", name), ports.next(), env)
                    .start());
        }
        postgresUp.join();
    }

    /**
     * The roles that hold leases log their collections and safepoints, one file per process:
     * a lease lost to a pause shows there.
     */
    private List<String> membershipJvm(String name) {
        List<String> jvm = new ArrayList<>(RoleProcess.LIGHT_JVM);
        jvm.add("-Xlog:gc,safepoint:file=" + logs().resolve(name + "-%p.gc.log") + ":uptime,level,tags");
        return jvm;
    }

    private RoleSlot slot(String name, String kind, List<String> jvm, List<String> args, int port, Map<String, String> env) {
        return new RoleSlot(name, kind, jvm, args, port, env, options.workDir().resolve("logs"));
    }

    List<RoleSlot> producers() {
        return List.copyOf(producers.values());
    }

    List<RoleSlot> nurses() {
        return nurses;
    }

    List<RoleSlot> fetchers() {
        return fetchers;
    }

    List<RoleSlot> updaters() {
        return updaters;
    }

    int apiPort() {
        return api.port();
    }

    int dashboardPort() {
        return dashboard.port();
    }

    RedisServer redis() {
        return redis;
    }

    NatsServer nats() {
        return nats;
    }

    PostgresServer postgres() {
        return postgres;
    }

    Path logs() {
        return options.workDir().resolve("logs");
    }

    /** Stops every producer cleanly (each leaves at once), so that nothing more is scheduled. */
    void stopProducers() {
        producers.values().parallelStream().forEach(RoleSlot::stop);
    }

    void startProducers() {
        producers.values().forEach(RoleSlot::start);
    }

    @Override
    public void close() {
        // Upstream first, so that nothing is cut off mid-way; the servers last.
        producers.values().parallelStream().forEach(RoleSlot::stop);
        for (List<RoleSlot> stage : List.of(fetchers, updaters, dashboard == null ? List.<RoleSlot>of() : List.of(dashboard),
                nurses, api == null ? List.<RoleSlot>of() : List.of(api))) {
            stage.parallelStream().forEach(RoleSlot::stop);
        }
        for (var server : List.of(postgres, nats, redis)) {
            try {
                server.close();
            } catch (RuntimeException e) {
                // it may never have started; nothing is left to stop
            }
        }
    }
}
