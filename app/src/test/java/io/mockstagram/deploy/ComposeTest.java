package io.mockstagram.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml: the whole system on one host, checked against the code as the manifests are. */
class ComposeTest {

    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*):-([^}]*)}");

    private static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Repository.file("docker-compose.yml").toFile());
    }

    /** The services that run the Mockstagram image, by name. */
    private static Map<String, JsonNode> roles() throws IOException {
        Map<String, JsonNode> roles = new LinkedHashMap<>();
        compose().path("services").fields().forEachRemaining(service -> {
            if (Manifests.imageName(service.getValue().path("image").asText()).equals(Manifests.IMAGE)) {
                roles.put(service.getKey(), service.getValue());
            }
        });
        return roles;
    }

    private static List<String> command(JsonNode service) {
        List<String> args = new ArrayList<>();
        service.path("command").forEach(arg -> args.add(arg.asText()));
        return args;
    }

    /** The environment as compose gives it when none of the variables it refers to is set. */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        service.path("environment").fields().forEachRemaining(variable -> {
            Matcher m = DEFAULTED.matcher(variable.getValue().asText());
            env.put(variable.getKey(), m.replaceAll(r -> Matcher.quoteReplacement(r.group(2))).replace("$$", "$"));
        });
        return env;
    }

    @Test
    void every_role_that_serves_runs_in_a_service_of_its_own_with_its_subcommand() throws IOException {
        List<String> roles = new ArrayList<>();
        for (JsonNode service : roles().values()) {
            roles.add(RoleLaunch.of(command(service), environment(service)).role());
        }
        assertThat(roles).containsExactlyInAnyOrderElementsOf(RoleLaunch.SERVER_ROLES);
    }

    @Test
    void four_producers_and_two_nurses_run() throws IOException {
        assertThat(roles().get("producer").path("deploy").path("replicas").asInt()).isEqualTo(4);
        assertThat(roles().get("nurse").path("deploy").path("replicas").asInt()).isEqualTo(2);
    }

    @Test
    void every_variable_a_role_is_given_is_one_its_code_reads() throws IOException {
        for (var role : roles().entrySet()) {
            Map<String, String> env = environment(role.getValue());
            assertThat(RoleLaunch.of(command(role.getValue()), env).unread(env.keySet()))
                    .as("variables service %s sets that its role never reads", role.getKey())
                    .isEmpty();
        }
    }

    @Test
    void every_server_a_role_reaches_is_a_service_of_the_file() throws IOException {
        JsonNode services = compose().path("services");
        for (var role : roles().entrySet()) {
            RoleLaunch launch = RoleLaunch.of(command(role.getValue()), environment(role.getValue()));
            launch.endpoints().forEach((kind, uri) ->
                    assertThat(services.has(uri.getHost())).as("%s reaches %s at %s, not a service", role.getKey(), kind, uri).isTrue());
        }
    }

    @Test
    void roles_wait_for_the_redis_and_postgresql_they_use_to_be_healthy() throws IOException {
        for (var role : roles().entrySet()) {
            RoleLaunch launch = RoleLaunch.of(command(role.getValue()), environment(role.getValue()));
            for (String kind : List.of("redis", "database")) {
                launch.endpoint(kind).ifPresent(uri -> assertThat(
                        role.getValue().path("depends_on").path(uri.getHost()).path("condition").asText())
                        .as("%s waits for %s", role.getKey(), uri.getHost()).isEqualTo("service_healthy"));
            }
        }
    }

    @Test
    void redis_keeps_an_append_only_file_on_a_named_volume() throws IOException {
        JsonNode redis = compose().path("services").path("redis");
        List<String> args = command(redis);
        String dir = args.get(args.indexOf("--dir") + 1);
        List<String> volumes = new ArrayList<>();
        redis.path("volumes").forEach(v -> volumes.add(v.asText()));

        assertThat(args).containsSubsequence("--appendonly", "yes");
        assertThat(volumes).anySatisfy(volume -> {
            String[] parts = volume.split(":");
            assertThat(compose().path("volumes").has(parts[0])).as("%s is a named volume", parts[0]).isTrue();
            assertThat(parts[1]).isEqualTo(dir);
        });
    }

    @Test
    void the_api_and_the_dashboard_publish_the_port_they_listen_on() throws IOException {
        for (String name : List.of("api", "dashboard")) {
            JsonNode service = roles().get(name);
            int port = RoleLaunch.of(command(service), environment(service)).httpPort();
            List<String> published = new ArrayList<>();
            service.path("ports").forEach(p -> published.add(p.asText()));

            assertThat(published).as("%s ports", name).contains(port + ":" + port);
        }
    }

    @Test
    void producers_stop_gracefully_and_get_time_for_it() throws IOException {
        assertThat(roles().get("producer").path("stop_grace_period").asText()).isNotEmpty();
    }
}
