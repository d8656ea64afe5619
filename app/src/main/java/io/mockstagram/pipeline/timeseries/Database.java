package io.mockstagram.pipeline.timeseries;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.mockstagram.config.ConfigException;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.config.Durations;
import io.mockstagram.membership.Backoff;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;

/**
 * The PostgreSQL connection pool of a role. Opening it checks the configuration first: a
 * host that does not resolve, credentials the server refuses or a database that does not
 * exist fail at once, naming the setting to fix; a server that is not up yet is retried
 * with backoff until the start-up timeout, as with Redis.
 */
public final class Database implements AutoCloseable {

    public static final int DEFAULT_POOL_SIZE = 4;

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /**
     * Failures no retry can cure: bad credentials (28000, 28P01), no such database (3D000),
     * and the driver's "connection rejected" (08004), which it reports for a missing password
     * or SSL the server does not offer.
     */
    private static final Set<String> CONFIGURATION_STATES = Set.of("28000", "28P01", "3D000", "08004");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private final HikariDataSource pool;

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    public static Database open(DatabaseSettings settings, int poolSize, Duration startupTimeout) {
        return open(settings, poolSize, startupTimeout, null);
    }

    /**
     * Opens a fixed-size pool once the server accepts a connection.
     *
     * @param registry where the pool's metrics go ({@code hikaricp_*}); null for none
     */
    public static Database open(DatabaseSettings settings, int poolSize, Duration startupTimeout, MeterRegistry registry) {
        if (poolSize < 1) {
            throw new IllegalArgumentException("a pool needs at least one connection, not " + poolSize);
        }
        requireResolvable(settings);
        awaitServer(settings, startupTimeout);

        HikariConfig config = new HikariConfig();
        config.setPoolName("postgres");
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        // A fixed size: the work is a steady stream, so idle connections are not worth closing.
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        config.setConnectionTimeout(Duration.ofSeconds(10).toMillis());
        // The server answered a moment ago; this only rides out a blip between that probe and now.
        config.setInitializationFailTimeout(startupTimeout.toMillis());
        driverProperties().forEach((key, value) -> config.addDataSourceProperty((String) key, value));
        if (registry != null) {
            config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
        }
        HikariDataSource pool = new HikariDataSource(config);
        log.atInfo().setMessage("connected to PostgreSQL").addKeyValue("url", settings.redacted())
                .addKeyValue("poolSize", poolSize).log();
        return new Database(pool);
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void requireResolvable(DatabaseSettings settings) {
        String host = URI.create(settings.jdbcUrl().substring("jdbc:".length())).getHost();
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(settings.setting().source() + "='" + settings.redacted()
                    + "': host '" + host + "' cannot be resolved");
        }
    }

    private static void awaitServer(DatabaseSettings settings, Duration startupTimeout) {
        Properties properties = driverProperties();
        properties.setProperty("user", settings.user());
        if (settings.password() != null) {
            properties.setProperty("password", settings.password());
        }
        var driver = new Driver();
        var backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        for (int attempt = 0; ; attempt++) {
            try {
                driver.connect(settings.jdbcUrl(), properties).close();
                return;
            } catch (SQLException e) {
                String reason = e.getMessage();
                if (CONFIGURATION_STATES.contains(e.getSQLState())) {
                    throw new ConfigException(settings.setting().source() + "='" + settings.redacted()
                            + "': PostgreSQL refused the connection (" + reason + ")");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new ConfigException(settings.setting().source() + "='" + settings.redacted()
                            + "': cannot connect (" + reason + ") within " + Durations.format(startupTimeout));
                }
                Duration delay = backoff.delay(attempt);
                log.atWarn().setMessage("PostgreSQL not reachable yet; retrying").addKeyValue("url", settings.redacted())
                        .addKeyValue("error", reason).addKeyValue("retryInMs", delay.toMillis()).log();
                sleep(delay);
            }
        }
    }

    private static Properties driverProperties() {
        Properties properties = new Properties();
        properties.setProperty("ApplicationName", "mockstagram");
        properties.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        properties.setProperty("tcpKeepAlive", "true");
        return properties;
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to PostgreSQL", e);
        }
    }
}
