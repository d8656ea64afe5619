package io.mockstagram.bench;

import java.util.function.BooleanSupplier;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.config.Namespace;
import io.mockstagram.config.NatsSettings;
import io.mockstagram.events.ClusterEvents;
import io.mockstagram.infra.NatsLink;
import io.mockstagram.local.PortPool;
import io.mockstagram.local.NatsServer;
import io.mockstagram.local.RedisServer;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.membership.ChangeWatcher;
import io.mockstagram.membership.Member;
import io.mockstagram.membership.MemberConfig;
import io.mockstagram.membership.partition.JumpPartitioner;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.producer.MemberEvents;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Runs real producer processes and a nurse against a Redis and a NATS of its own, crashes
 * and stops producers, and times how long the survivors take to agree with Redis again.
 */
final class MembershipBenchmark {

    record Options(int producers, int rounds, int storm, Duration lease, Duration heartbeat, Path workDir) {
    }

    /**
     * @param join          joins into a map older than one lease: the steady state
     * @param youngMapJoin  joins into a map younger than one lease (the first ones), which wait out the lease by design
     */
    record Result(Percentiles join, Percentiles youngMapJoin, Percentiles crash, Percentiles graceful, double storm200ConvergeMs,
                  double redisCommandsPerMemberPerSecond, double moduloMovedFraction, double jumpMovedFraction) {
    }

    private static final Duration CONVERGE_LIMIT = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Pattern JOIN_SECONDS = Pattern.compile(
            "^mockstagram_membership_join_seconds_sum\\{[^}]*map=\"(\\w+)\"[^}]*} ([0-9.Ee-]+)$",
            Pattern.MULTILINE);

    private static final Pattern COMMANDS_SENT = Pattern.compile("^lettuce_command_completion_seconds_count\\{[^}]*} ([0-9.Ee+-]+)$",
            Pattern.MULTILINE);

    private final Options options;
    private final Consumer<String> progress;
    private final Random random = new Random();
    private final Map<String, RoleProcess> processes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final PortPool freePorts = new PortPool();
    private final List<Double> joinMs = new ArrayList<>();
    private final List<Double> youngMapJoinMs = new ArrayList<>();
    private final Set<String> joinSampled = new HashSet<>();
    private int nextId = 1;
    private int nursePort;

    MembershipBenchmark(Options options, Consumer<String> progress) {
        this.options = options;
        this.progress = progress;
    }

    Result run() throws Exception {
        Path work = options.workDir();
        Namespace namespace = new Namespace("bench");
        try (RedisServer redisServer = RedisServer.startOnFreePort(work.resolve("redis"));
             NatsServer natsServer = NatsServer.startOnFreePort(work.resolve("nats"))) {
            Map<String, String> env = Map.of("REDIS_URL", redisServer.url(), "NATS_URL", natsServer.url(),
                    "MOCKSTAGRAM_NAMESPACE", namespace.name(), "LOG_LEVEL", "WARN");
            RedisClient redisClient = RedisClient.create(redisServer.url());
            Vertx vertx = Vertx.vertx();
            try (StatefulRedisConnection<String, String> redis = redisClient.connect()) {
                var store = new RedisMembershipStore(redis.async(), namespace.membershipKeys());
                WebClient http = WebClient.create(vertx);
                var probe = new ClusterProbe(http, store);

                nursePort = freePorts.next();
                processes.put("nurse", RoleProcess.start("nurse", RoleProcess.LIGHT_JVM,
                        List.of("--http-port", Integer.toString(nursePort)), env, work.resolve("logs/nurse.log")));
                progress.accept("starting " + options.producers() + " producers, one after another");
                for (int i = 0; i < options.producers(); i++) {
                    startProducer(env, work);
                    require(probe.awaitConverged(ports, Instant.now(), Duration.ofSeconds(60)).isPresent(),
                            "the first producers never converged");
                }
                collectJoinLatencies(http);

                double commandsPerMember = redisCommandsPerMemberPerSecond(http);

                List<Double> crash = new ArrayList<>();
                List<Double> graceful = new ArrayList<>();
                for (int round = 1; round <= options.rounds(); round++) {
                    crash.add(departure(probe, http, env, work, true));
                    graceful.add(departure(probe, http, env, work, false));
                    progress.accept(String.format("round %d/%d: kill -9 converged in %.0f ms, SIGTERM in %.0f ms",
                            round, options.rounds(), crash.get(crash.size() - 1), graceful.get(graceful.size() - 1)));
                }

                double storm = storm(redisServer.url(), natsServer.url());
                progress.accept("partitioner key movement over 1,000,000 pks");
                int total = options.producers();
                double modulo = KeyMovement.movedFraction(new ModuloPartitioner(), 1_000_000, 1_000_000, total);
                double jump = KeyMovement.movedFraction(new JumpPartitioner(), 1_000_000, 1_000_000, total);
                return new Result(Percentiles.of(joinMs), new Percentiles(youngMapJoinMs.stream().sorted().toList()), Percentiles.of(crash), Percentiles.of(graceful), storm,
                        commandsPerMember, modulo, jump);
            } finally {
                processes.values().forEach(RoleProcess::close);
                vertx.close();
                redisClient.shutdown();
            }
        }
    }

    private String startProducer(Map<String, String> env, Path work) {
        String name = "p" + nextId++;
        int port = freePorts.next();
        processes.put(name, RoleProcess.start("producer", RoleProcess.LIGHT_JVM,
                List.of("--name", name, "--http-port", Integer.toString(port),
                        "--lease-ms", Long.toString(options.lease().toMillis()),
                        "--heartbeat-ms", Long.toString(options.heartbeat().toMillis()),
                        // Nothing fetches in this benchmark: a small range keeps scheduling from loading the machine.
                        "--influencers", "1000"),
                env, work.resolve("logs/" + name + ".log")));
        ports.put(name, port);
        return name;
    }

    /** Stops a random producer (kill -9 or SIGTERM), times convergence, then replaces it. */
    private double departure(ClusterProbe probe, WebClient http, Map<String, String> env, Path work, boolean crash)
            throws Exception {
        List<String> names = new ArrayList<>(ports.keySet());
        String victim = names.get(random.nextInt(names.size()));
        RoleProcess process = processes.remove(victim);
        ports.remove(victim);
        // Let the survivors' heartbeats fall at a random phase relative to the departure.
        pauseMillis(random.nextInt((int) options.heartbeat().toMillis()));
        Instant start = Instant.now();
        if (crash) {
            process.kill();
        } else {
            process.terminate();
        }
        Duration took = probe.awaitConverged(ports, start, CONVERGE_LIMIT)
                .orElseThrow(() -> new IllegalStateException("survivors did not converge within " + CONVERGE_LIMIT
                        + " after " + (crash ? "kill -9" : "SIGTERM") + " of " + victim));
        process.awaitExit(10);
        startProducer(env, work);
        require(probe.awaitConverged(ports, Instant.now(), CONVERGE_LIMIT).isPresent(), "replacement did not join");
        collectJoinLatencies(http);
        // A JVM keeps compiling for a while after it starts; measure the next departure on a settled machine.
        pauseMillis(SETTLE.toMillis());
        return took.toNanos() / 1e6;
    }

    /** Reads each new producer's own measure of its join, from first attempt to ACTIVE. */
    private void collectJoinLatencies(WebClient http) throws Exception {
        for (var entry : ports.entrySet()) {
            if (!joinSampled.add(entry.getKey())) {
                continue;
            }
            String metrics = http.get(entry.getValue(), "127.0.0.1", "/metrics").send()
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS).bodyAsString();
            Matcher m = JOIN_SECONDS.matcher(metrics);
            require(m.find(), entry.getKey() + " reports no join time");
            double ms = Double.parseDouble(m.group(2)) * 1000;
            (m.group(1).equals("young") ? youngMapJoinMs : joinMs).add(ms);
        }
    }

    /**
     * Every command the producers and the nurse send to Redis during a quiet spell, as
     * their Redis clients count them, per producer per second. A script call counts once.
     */
    private double redisCommandsPerMemberPerSecond(WebClient http) throws Exception {
        Duration window = Duration.ofSeconds(10);
        progress.accept("counting Redis commands for " + window.toSeconds() + " s of steady state");
        List<Integer> senders = new ArrayList<>(ports.values());
        senders.add(nursePort);
        double before = commandsSent(http, senders);
        long start = System.nanoTime();
        pauseMillis(window.toMillis());
        double after = commandsSent(http, senders);
        double seconds = (System.nanoTime() - start) / 1e9;
        return (after - before) / seconds / options.producers();
    }

    private static double commandsSent(WebClient http, List<Integer> ports) throws Exception {
        double sum = 0;
        for (int port : ports) {
            String metrics = http.get(port, "127.0.0.1", "/metrics").send()
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS).bodyAsString();
            Matcher m = COMMANDS_SENT.matcher(metrics);
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
        }
        return sum;
    }

    /** {@code options.storm()} members in this JVM join at once; times until all agree with Redis. */
    private double storm(String redisUrl, String natsUrl) throws Exception {
        progress.accept(options.storm() + " members joining at once");
        Namespace namespace = new Namespace("bench-storm");
        RedisClient client = RedisClient.create(redisUrl);
        try (var connection = client.connect(); NatsLink nats = NatsLink.start(NatsSettings.resolve(natsUrl, Map.of()), "storm");
             var watcher = new ChangeWatcher(client.connectPubSub(), namespace.membershipKeys())) {
            var store = new RedisMembershipStore(connection.async(), namespace.membershipKeys());
            var events = new ClusterEvents(nats, namespace);
            require(awaitTrue(nats::isConnected, Duration.ofSeconds(10)), "storm members cannot reach NATS");
            List<Member> members = IntStream.rangeClosed(1, options.storm())
                    .mapToObj(i -> new Member(store, new MemberConfig(namespace.membershipKeys(), "storm-" + i,
                            options.lease(), options.heartbeat())))
                    .toList();
            members.forEach(member -> MemberEvents.wire(member, events));
            members.forEach(watcher::watch);
            long start = System.nanoTime();
            members.forEach(Member::start);
            require(awaitTrue(() -> stormConverged(store, members), CONVERGE_LIMIT), "the storm never converged");
            double took = (System.nanoTime() - start) / 1e6;
            members.forEach(Member::close);
            return took;
        } finally {
            client.shutdown();
        }
    }

    private boolean stormConverged(RedisMembershipStore store, List<Member> members) {
        if (members.stream().anyMatch(m -> !m.assignment().isActive())) {
            return false;
        }
        MembershipSnapshot snapshot = store.snapshot().toCompletableFuture().join();
        Map<String, Integer> numbers = snapshot.numbersByName();
        return snapshot.isDense() && snapshot.total() == members.size()
                && members.stream().allMatch(m -> m.assignment().total() == snapshot.total()
                && numbers.get(m.config().name()) == m.assignment().serverNumber());
    }

    private static boolean awaitTrue(BooleanSupplier condition, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (condition.getAsBoolean()) {
                return true;
            }
            pauseMillis(2);
        }
        return false;
    }

    private static void require(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    private static void pauseMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
