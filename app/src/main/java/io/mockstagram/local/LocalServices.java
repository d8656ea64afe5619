package io.mockstagram.local;

import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Setting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The servers a local cluster or a benchmark uses: the configured ones when they answer, otherwise (when
 * no URL was given) ones started here in the work directory and stopped on exit.
 */
public final class LocalServices implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalServices.class);

    private final List<LocalServer> started = new ArrayList<>();
    private final boolean ownServers;

    private LocalServices(boolean ownServers) {
        this.ownServers = ownServers;
    }
    private final Map<String, String> env = new LinkedHashMap<>();

    public static LocalServices provide(ClusterSettings cluster, DatabaseSettings database, Path workDir) {
        return provide(cluster, database, workDir, false);
    }

    /** With {@code ownServers}, starts private servers whatever the configuration says. */
    public static LocalServices provide(ClusterSettings cluster, DatabaseSettings database, Path workDir, boolean ownServers) {
        var services = new LocalServices(ownServers);
        try {
            services.env.put("MOCKSTAGRAM_NAMESPACE", cluster.namespace().name());
            services.env.put("REDIS_URL", services.redisUrl(cluster, workDir));
            services.env.put("NATS_URL", services.natsUrl(cluster, workDir));
            if (database != null) {
                services.env.put("DATABASE_URL", services.databaseUrl(database, workDir));
            }
            return services;
        } catch (RuntimeException e) {
            services.close();
            throw e;
        }
    }

    /** The variables that point the roles at these servers. */
    public Map<String, String> env() {
        return env;
    }

    private String redisUrl(ClusterSettings cluster, Path workDir) {
        var uri = cluster.redis().uri();
        if (!ownServers && (answers(uri.getHost(), uri.getPort()) || !isDefault(cluster.redis().setting()))) {
            return cluster.redis().setting().value();
        }
        log.info("starting redis-server (none at {}, or own servers asked for)", cluster.redis().redacted());
        return start(new RedisServer(FreePorts.next(), workDir.resolve("redis")), "Redis");
    }

    private String natsUrl(ClusterSettings cluster, Path workDir) {
        var nats = cluster.nats();
        int port = URI.create(nats.url()).getPort();
        if (!ownServers && (answers(nats.host(), port < 0 ? 4222 : port) || !isDefault(nats.setting()))) {
            return nats.url();
        }
        log.info("starting nats-server with JetStream (none at {}, or own servers asked for)", nats.redacted());
        return start(new NatsServer(FreePorts.next(), workDir.resolve("nats")), "NATS");
    }

    private String databaseUrl(DatabaseSettings database, Path workDir) {
        URI uri = URI.create(database.jdbcUrl().substring("jdbc:".length()));
        if (!ownServers && (answers(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432) || !isDefault(database.setting()))) {
            return database.setting().value();
        }
        log.info("starting PostgreSQL with initdb (none at {}, or own servers asked for)", database.redacted());
        return start(new PostgresServer(FreePorts.next(), workDir.resolve("postgres")), "PostgreSQL");
    }

    private static boolean isDefault(Setting setting) {
        return setting.source().endsWith("(default)");
    }

    private String start(LocalServer server, String what) {
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw new LocalServerException("cannot start a local " + what + ": " + e.getMessage(), e);
        }
        started.add(server);
        return server.url();
    }

    private static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
    }
}
