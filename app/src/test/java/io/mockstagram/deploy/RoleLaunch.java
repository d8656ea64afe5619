package io.mockstagram.deploy;

import io.mockstagram.api.ApiCommand;
import io.mockstagram.cli.Main;
import io.mockstagram.config.ClusterSettings;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.dashboard.DashboardCommand;
import io.mockstagram.nurse.NurseCommand;
import io.mockstagram.pipeline.fetcher.FetcherCommand;
import io.mockstagram.pipeline.updater.UpdaterCommand;
import io.mockstagram.producer.ProducerCommand;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a role would do if started with these arguments and this environment, found by the
 * role's own code without starting it: the port it listens on, the servers it reaches, and
 * every environment variable it looks up.
 *
 * @param role      the subcommand
 * @param httpPort  the port of its HTTP endpoints (/health/*, /metrics)
 * @param read      the environment variables the role's settings looked up
 * @param endpoints the servers it would connect to, by kind: redis, nats, database, api
 */
record RoleLaunch(String role, int httpPort, Set<String> read, Map<String, URI> endpoints) {

    /** The roles a deployment runs; {@code up} and {@code bench} are for one machine. */
    static final Set<String> SERVER_ROLES = Set.of("producer", "nurse", "fetcher", "updater", "api", "dashboard");

    /** Parses {@code args} with the real command line and resolves the role's settings from {@code env}. */
    static RoleLaunch of(List<String> args, Map<String, String> env) {
        CommandLine.ParseResult parsed = Main.commandLine().parseArgs(args.toArray(String[]::new));
        if (!parsed.hasSubcommand()) {
            throw new IllegalArgumentException("no role in " + args);
        }
        String role = parsed.subcommand().commandSpec().name();
        Object command = parsed.subcommand().commandSpec().userObject();
        RecordingEnvironment recording = new RecordingEnvironment(env);
        if (command instanceof ProducerCommand producer) {
            var settings = producer.settings(recording);
            return new RoleLaunch(role, settings.httpPort(), recording.read(), cluster(settings.cluster(), null, null));
        } else if (command instanceof NurseCommand nurse) {
            var settings = nurse.settings(recording);
            return new RoleLaunch(role, settings.httpPort(), recording.read(), cluster(settings.cluster(), null, null));
        } else if (command instanceof FetcherCommand fetcher) {
            var settings = fetcher.settings(recording);
            return new RoleLaunch(role, settings.httpPort(), recording.read(), cluster(settings.cluster(), settings.database(), settings.apiUrl()));
        } else if (command instanceof UpdaterCommand updater) {
            var settings = updater.settings(recording);
            return new RoleLaunch(role, settings.httpPort(), recording.read(), cluster(settings.cluster(), settings.database(), null));
        } else if (command instanceof DashboardCommand dashboard) {
            var settings = dashboard.settings(recording);
            return new RoleLaunch(role, settings.httpPort(), recording.read(), cluster(settings.cluster(), settings.database(), null));
        } else if (command instanceof ApiCommand api) {
            var settings = api.settings(recording);
            return new RoleLaunch(role, settings.httpPort(), recording.read(), Map.of());
        }
        throw new IllegalArgumentException("'" + role + "' is not a role a deployment runs; those are " + new TreeSet<>(SERVER_ROLES));
    }

    /** The variables a role reads besides its settings: those the logging configuration names. */
    static Set<String> loggingVariables() {
        try (InputStream in = RoleLaunch.class.getClassLoader().getResourceAsStream("logback.xml")) {
            if (in == null) {
                throw new IllegalStateException("logback.xml is not on the class path");
            }
            Matcher m = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)").matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            Set<String> names = new TreeSet<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Variables this launch was given that nothing in the role reads. */
    Set<String> unread(Set<String> given) {
        Set<String> unread = new TreeSet<>(given);
        unread.removeAll(read);
        unread.removeAll(loggingVariables());
        return unread;
    }

    Optional<URI> endpoint(String kind) {
        return Optional.ofNullable(endpoints.get(kind));
    }

    private static Map<String, URI> cluster(ClusterSettings cluster, DatabaseSettings database, URI api) {
        Map<String, URI> endpoints = new LinkedHashMap<>();
        var redis = cluster.redis().uri();
        endpoints.put("redis", URI.create((redis.isSsl() ? "rediss" : "redis") + "://" + redis.getHost() + ":" + redis.getPort()));
        endpoints.put("nats", URI.create(cluster.nats().url().replaceFirst("//[^@/]*@", "//")));
        if (database != null) {
            endpoints.put("database", URI.create(database.jdbcUrl().substring("jdbc:".length())));
        }
        if (api != null) {
            endpoints.put("api", api);
        }
        return Map.copyOf(endpoints);
    }
}
