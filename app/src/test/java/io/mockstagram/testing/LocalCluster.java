package io.mockstagram.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mockstagram.config.Namespace;
import io.mockstagram.infra.Json;
import io.mockstagram.local.PortPool;
import io.mockstagram.local.NatsServer;
import io.mockstagram.local.RedisServer;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.membership.store.MembershipSnapshot;
import io.mockstagram.membership.store.RedisMembershipStore;
import io.mockstagram.nurse.Nurse;
import io.mockstagram.producer.ProducerStatus;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A Mockstagram cluster for fault tests: its own redis-server and nats-server on free
 * ports (so that they can be killed and restarted), and real nurse and producer processes.
 */
public final class LocalCluster implements AutoCloseable {

    public static final Duration LEASE = Duration.ofMillis(3000);
    public static final Duration HEARTBEAT = Duration.ofMillis(1000);
    /** How long a handful of role JVMs may take to start and agree on a loaded two-core machine. */
    public static final Duration START = Duration.ofSeconds(60);

    public record Role(String name, RoleProcess process, int port) {
    }

    private final Path workDir;
    private final RedisServer redisServer;
    private final NatsServer natsServer;
    private final Namespace namespace = new Namespace("chaos");
    private final PortPool ports = new PortPool();
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final RedisMembershipStore store;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2, runnable -> {
                Thread thread = new Thread(runnable, "test-http");
                thread.setDaemon(true);
                return thread;
            }))
            .connectTimeout(Duration.ofMillis(500))
            .build();
    // Read by background samplers (Invariants) while tests start and remove roles.
    private final Map<String, Role> producers = new ConcurrentSkipListMap<>();
    private final Map<String, Role> nurses = new ConcurrentSkipListMap<>();
    private final List<RoleProcess> everything = new CopyOnWriteArrayList<>();

    public LocalCluster() {
        try {
            workDir = Files.createTempDirectory("mockstagram-chaos-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        redisServer = RedisServer.startOnFreePort(workDir.resolve("redis"));
        natsServer = NatsServer.startOnFreePort(workDir.resolve("nats"));
        redisClient = RedisClient.create(redisServer.url());
        redis = redisClient.connect();
        store = new RedisMembershipStore(redis.async(), namespace.membershipKeys());
        settledMap();
    }

    /**
     * Starts with an empty map older than any lease, as a cluster that has run for a while
     * has, so that the first producers act as soon as they join. A map Redis rebuilds after
     * a wipe is young, and the tests of wipes see its producers wait out a lease.
     */
    private void settledMap() {
        var keys = namespace.membershipKeys();
        redis.sync().set(keys.epoch(), "0");
        redis.sync().hset(keys.generation(), Map.of("id", "settled", "created", "0"));
    }

    public RedisServer redisServer() {
        return redisServer;
    }

    public NatsServer natsServer() {
        return natsServer;
    }

    public Namespace namespace() {
        return namespace;
    }

    public StatefulRedisConnection<String, String> redis() {
        return redis;
    }

    private Map<String, String> env() {
        return Map.of("REDIS_URL", redisServer.url(), "NATS_URL", natsServer.url(),
                "MOCKSTAGRAM_NAMESPACE", namespace.name());
    }

    public Role startNurse(String name) {
        int port = ports.next();
        RoleProcess process = RoleProcess.start("nurse", RoleProcess.LIGHT_JVM,
                List.of("--name", name, "--http-port", Integer.toString(port)), env(), workDir.resolve("logs/" + name + ".log"));
        everything.add(process);
        Role role = new Role(name, process, port);
        nurses.put(name, role);
        return role;
    }

    public Role startProducer(String name) {
        int port = ports.next();
        RoleProcess process = RoleProcess.start("producer", RoleProcess.LIGHT_JVM,
                List.of("--name", name, "--http-port", Integer.toString(port),
                        "--lease-ms", Long.toString(LEASE.toMillis()), "--heartbeat-ms", Long.toString(HEARTBEAT.toMillis()),
                        // Nothing fetches here: a small range keeps the scheduled tasks from loading the machine.
                        "--influencers", "1000"),
                env(), workDir.resolve("logs/" + name + ".log"));
        everything.add(process);
        Role role = new Role(name, process, port);
        producers.put(name, role);
        return role;
    }

    public List<Role> startProducers(String... names) {
        List<Role> started = new ArrayList<>();
        for (String name : names) {
            started.add(startProducer(name));
        }
        return started;
    }

    public Role producer(String name) {
        return producers.get(name);
    }

    /** Producers still expected to be members. */
    public Map<String, Role> producers() {
        return producers;
    }

    public Map<String, Role> nurses() {
        return nurses;
    }

    /** Forget a producer that was stopped or killed on purpose. */
    public Role remove(String name) {
        return producers.remove(name);
    }

    /** Forget a nurse that was stopped or killed on purpose. */
    public Role removeNurse(String name) {
        return nurses.remove(name);
    }

    /** kill -9 of every producer and nurse, which the cluster then forgets. */
    public void killAllRoles() {
        List.copyOf(producers.keySet()).forEach(name -> remove(name).process().kill());
        List.copyOf(nurses.keySet()).forEach(name -> removeNurse(name).process().kill());
    }

    /** Redis forgets everything at once, as FLUSHALL does. */
    public void flushRedis() {
        redis.sync().flushall();
    }

    /** The epoch floor the cluster recorded in JetStream (0 when none). */
    public long recordedEpochFloor() {
        try (Connection nats = Nats.connect(natsServer.url())) {
            KeyValueEntry entry = nats.keyValue(namespace.membershipBucket()).get("epoch");
            return entry == null || entry.getValue() == null ? 0 : Long.parseLong(entry.getValueAsString());
        } catch (IOException | JetStreamApiException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    public MembershipSnapshot snapshot() {
        return store.snapshot().toCompletableFuture().join();
    }

    public Optional<ProducerStatus> status(Role producer) {
        return get(producer.port(), "/status").map(body -> Json.read(body, ProducerStatus.class));
    }

    public Optional<Nurse.Status> nurseStatus(Role nurse) {
        return get(nurse.port(), "/status").map(body -> Json.read(body, Nurse.Status.class));
    }

    public Optional<String> get(int port, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * True when Redis holds exactly the expected producers, densely numbered, and each one's
     * /status is ACTIVE with the number and total Redis holds for it.
     */
    public boolean agreesWithRedis() {
        MembershipSnapshot snapshot = snapshot();
        if (!snapshot.isDense() || !snapshot.numbersByName().keySet().equals(producers.keySet())) {
            return false;
        }
        for (Role producer : producers.values()) {
            Optional<ProducerStatus> status = status(producer);
            if (status.isEmpty() || !"ACTIVE".equals(status.get().state())
                    || !snapshot.numbersByName().get(producer.name()).equals(status.get().serverNumber())
                    || status.get().total() != snapshot.total()) {
                return false;
            }
        }
        return true;
    }

    /** Everything each process wrote, to explain a failure. */
    public String logs() {
        return everything.stream().map(p -> "---- " + p.log().getFileName() + "\n" + tail(p.output()))
                .collect(Collectors.joining("\n"));
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.asList(lines).subList(Math.max(0, lines.length - 40), lines.length));
    }

    @Override
    public void close() {
        everything.forEach(RoleProcess::close);
        redis.close();
        redisClient.shutdown();
        natsServer.close();
        redisServer.close();
    }
}
