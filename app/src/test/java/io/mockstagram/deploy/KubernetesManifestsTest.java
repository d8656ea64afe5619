package io.mockstagram.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mockstagram.cli.Main;
import io.mockstagram.deploy.Manifests.Workload;
import io.mockstagram.infra.OpsServer;
import io.mockstagram.infra.Readiness;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * deploy/k8s/overlays/dev, as {@code kubectl kustomize} renders it and {@code skaffold dev}
 * deploys it, checked against the code that will run in it.
 */
class KubernetesManifestsTest {

    private static final String OVERLAY = "overlays/dev";

    private static Vertx vertx;
    private static OpsServer ops;

    private static Manifests dev() {
        return Manifests.render(OVERLAY);
    }

    @BeforeAll
    static void startOpsServer() {
        // The HTTP endpoints every role serves, from the class every role serves them with.
        vertx = Vertx.vertx();
        ops = OpsServer.start(vertx, "probe-check", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                new Readiness(), router -> { });
    }

    @AfterAll
    static void stopOpsServer() throws Exception {
        if (ops != null) {
            ops.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void the_dev_overlay_renders_into_objects_of_the_fabric8_model() {
        assertThat(dev().objects()).isNotEmpty();
        assertThat(dev().objects()).allSatisfy(object -> {
            assertThat(object.getMetadata().getName()).isNotBlank();
            if (!object.getKind().equals("Namespace")) {
                assertThat(object.getMetadata().getNamespace()).as(object.getKind()).isEqualTo("mockstagram");
            }
        });
    }

    @Test
    void every_role_that_serves_runs_once_and_nothing_else_runs_the_image() {
        Set<String> subcommands = Main.commandLine().getSubcommands().keySet();
        List<String> roles = dev().roles().stream().map(Workload::role).sorted().toList();

        assertThat(roles).doesNotHaveDuplicates();
        assertThat(roles).containsExactlyInAnyOrderElementsOf(RoleLaunch.SERVER_ROLES);
        assertThat(subcommands).containsAll(roles);
    }

    @Test
    void each_role_runs_the_image_entrypoint_with_its_subcommand_as_the_argument() {
        for (Workload workload : dev().roles()) {
            Container container = workload.container();
            assertThat(container.getCommand()).as("%s overrides the image's entrypoint", workload).isNullOrEmpty();
            assertThat(Manifests.imageName(container.getImage())).isEqualTo(Manifests.IMAGE);
            assertThat(Main.commandLine().getSubcommands()).as("subcommands").containsKey(workload.role());
        }
    }

    @Test
    void replicas_are_four_producers_two_nurses_and_at_least_one_of_every_other_role() {
        assertThat(dev().role("producer").replicas()).isEqualTo(4);
        assertThat(dev().role("nurse").replicas()).isEqualTo(2);
        assertThat(dev().roles()).allSatisfy(w -> assertThat(w.replicas()).as("%s replicas", w).isPositive());
    }

    @Test
    void every_variable_a_role_is_given_is_one_its_code_reads() {
        for (Workload workload : dev().roles()) {
            Map<String, String> env = dev().environment(workload, workload.container());
            RoleLaunch launch = RoleLaunch.of(workload.container().getArgs(), env);

            assertThat(launch.unread(env.keySet()))
                    .as("variables %s sets that the %s role never reads", workload, launch.role())
                    .isEmpty();
        }
    }

    @Test
    void every_role_is_given_the_servers_it_reads_so_that_no_localhost_default_applies() {
        Set<String> connections = Set.of("REDIS_URL", "NATS_URL", "DATABASE_URL", "MOCKSTAGRAM_API_URL");
        for (Workload workload : dev().roles()) {
            Map<String, String> env = dev().environment(workload, workload.container());
            RoleLaunch launch = RoleLaunch.of(workload.container().getArgs(), env);

            Set<String> needed = launch.read().stream().filter(connections::contains).collect(Collectors.toSet());
            assertThat(env.keySet()).as("%s", workload).containsAll(needed);
            assertThat(launch.endpoints().values()).allSatisfy(uri -> assertThat(uri.getHost()).isNotIn("localhost", "127.0.0.1"));
        }
    }

    @Test
    void every_server_a_role_reaches_is_a_service_of_the_render_on_that_port() {
        for (Workload workload : dev().roles()) {
            RoleLaunch launch = RoleLaunch.of(workload.container().getArgs(), dev().environment(workload, workload.container()));
            launch.endpoints().forEach((kind, uri) -> {
                Service service = dev().find(Service.class, uri.getHost()).orElse(null);
                assertThat(service).as("%s reaches %s at %s, a Service the render does not have", workload, kind, uri).isNotNull();
                int port = uri.getPort() > 0 ? uri.getPort() : defaultPort(uri.getScheme());
                assertThat(service.getSpec().getPorts()).extracting(ServicePort::getPort)
                        .as("ports of Service %s, which %s reaches at %s", uri.getHost(), workload, uri)
                        .contains(port);
            });
        }
    }

    @Test
    void probes_ask_the_health_endpoints_on_the_port_the_role_listens_on() throws Exception {
        for (Workload workload : dev().roles()) {
            Container container = workload.container();
            RoleLaunch launch = RoleLaunch.of(container.getArgs(), dev().environment(workload, container));
            Map<String, Probe> probes = probes(container);

            assertThat(probes.keySet()).as("%s probes", workload).contains("liveness", "readiness");
            assertThat(path(probes.get("liveness"))).isEqualTo("/health/live");
            assertThat(path(probes.get("readiness"))).isEqualTo("/health/ready");
            for (var probe : probes.entrySet()) {
                HTTPGetAction get = probe.getValue().getHttpGet();
                assertThat(get).as("%s %s probe asks over HTTP", workload, probe.getKey()).isNotNull();
                assertThat(portNumber(container, get.getPort()))
                        .as("%s %s probe port", workload, probe.getKey())
                        .isEqualTo(launch.httpPort());
                assertThat(statusOf(get.getPath())).as("GET %s", get.getPath()).isEqualTo(200);
            }
        }
    }

    @Test
    void a_producer_is_ready_only_while_it_holds_a_number_so_readiness_asks_often() {
        Probe readiness = dev().role("producer").container().getReadinessProbe();
        // A rolling update waits for the new producer's readiness before it stops an old one.
        assertThat(readiness.getPeriodSeconds()).isLessThanOrEqualTo(2);
    }

    @Test
    void prometheus_scrapes_metrics_on_the_port_the_role_listens_on() throws Exception {
        for (Workload workload : dev().roles()) {
            Container container = workload.container();
            RoleLaunch launch = RoleLaunch.of(container.getArgs(), dev().environment(workload, container));
            Map<String, String> annotations = workload.template().getMetadata().getAnnotations();

            assertThat(annotations).as("%s pod annotations", workload)
                    .containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/port", Integer.toString(launch.httpPort()))
                    .containsEntry("prometheus.io/path", "/metrics");
            assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort).contains(launch.httpPort());
        }
        assertThat(statusOf("/metrics")).isEqualTo(200);
    }

    @Test
    void producers_and_nurses_are_named_after_their_pods() {
        for (String role : List.of("producer", "nurse")) {
            EnvVar podName = dev().role(role).container().getEnv().stream()
                    .filter(v -> v.getName().equals("POD_NAME")).findFirst()
                    .orElseThrow(() -> new AssertionError(role + " is not given POD_NAME"));
            assertThat(podName.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        }
    }

    @Test
    void a_rolling_update_starts_each_new_producer_before_it_stops_an_old_one() {
        Deployment producers = dev().get(Deployment.class, "producer");
        var rolling = producers.getSpec().getStrategy().getRollingUpdate();

        assertThat(producers.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(rolling.getMaxSurge()).isEqualTo(new IntOrString(1));
        assertThat(rolling.getMaxUnavailable()).isEqualTo(new IntOrString(0));
    }

    @Test
    void every_role_stops_gracefully_within_a_grace_period_of_its_own() {
        for (Workload workload : dev().roles()) {
            Long grace = workload.template().getSpec().getTerminationGracePeriodSeconds();
            assertThat(grace).as("%s terminationGracePeriodSeconds", workload).isNotNull().isBetween(5L, 60L);
        }
        // A producer leaves within a second of SIGTERM; the grace period is only a backstop.
        assertThat(dev().role("producer").template().getSpec().getTerminationGracePeriodSeconds()).isLessThanOrEqualTo(15L);
    }

    @Test
    void every_container_requests_and_limits_cpu_and_memory() {
        for (Workload workload : dev().workloads()) {
            for (Container container : workload.containers()) {
                var resources = container.getResources();
                assertThat(resources.getRequests()).as("%s requests", workload).containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).as("%s limits", workload).containsKeys("cpu", "memory");
                for (String resource : List.of("cpu", "memory")) {
                    assertThat(bytes(resources.getRequests().get(resource)))
                            .as("%s %s request within its limit", workload, resource)
                            .isLessThanOrEqualTo(bytes(resources.getLimits().get(resource)));
                }
            }
        }
    }

    @Test
    void every_container_has_liveness_and_readiness_probes() {
        for (Workload workload : dev().workloads()) {
            for (Container container : workload.containers()) {
                assertThat(container.getLivenessProbe()).as("%s liveness", workload).isNotNull();
                assertThat(container.getReadinessProbe()).as("%s readiness", workload).isNotNull();
            }
        }
    }

    @Test
    void every_role_has_one_disruption_budget_that_lets_a_drain_proceed() {
        for (Workload workload : dev().roles()) {
            var budgets = dev().budgetsSelecting(workload);
            assertThat(budgets).as("PodDisruptionBudgets of %s", workload).hasSize(1);
            var spec = budgets.get(0).getSpec();
            int replicas = workload.replicas();
            int mayGo = spec.getMaxUnavailable() != null
                    ? spec.getMaxUnavailable().getIntVal()
                    : replicas - spec.getMinAvailable().getIntVal();
            assertThat(mayGo).as("%s pods a drain may evict at once", workload).isPositive();
        }
        var nurses = dev().budgetsSelecting(dev().role("nurse")).get(0).getSpec();
        assertThat(nurses.getMinAvailable()).as("a nurse always runs").isEqualTo(new IntOrString(1));
    }

    @Test
    void roles_run_as_a_non_root_user_on_a_read_only_root() {
        for (Workload workload : dev().roles()) {
            var pod = workload.template().getSpec().getSecurityContext();
            var container = workload.container().getSecurityContext();
            assertThat(pod.getRunAsNonRoot()).as("%s runAsNonRoot", workload).isTrue();
            assertThat(pod.getRunAsUser()).as("%s runAsUser", workload).isPositive();
            assertThat(container.getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getReadOnlyRootFilesystem()).isTrue();
            assertThat(workload.container().getVolumeMounts()).as("%s scratch space", workload)
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        }
    }

    @Test
    void configuration_comes_from_the_config_map_and_credentials_from_the_secret() {
        Set<String> credentials = Set.of("REDIS_URL", "DATABASE_URL");
        for (Workload workload : dev().roles()) {
            for (EnvVar variable : workload.container().getEnv()) {
                var from = variable.getValueFrom();
                assertThat(from).as("%s spells %s out rather than take it from a ConfigMap or Secret", workload, variable.getName())
                        .isNotNull();
                if (credentials.contains(variable.getName())) {
                    assertThat(from.getSecretKeyRef()).as("%s takes %s from a Secret", workload, variable.getName()).isNotNull();
                } else if (from.getFieldRef() == null) {
                    assertThat(from.getConfigMapKeyRef()).as("%s takes %s from the ConfigMap", workload, variable.getName()).isNotNull();
                }
            }
        }
    }

    @Test
    void every_key_of_the_config_map_is_read_by_some_role() {
        Set<String> used = new HashSet<>();
        for (Workload workload : dev().roles()) {
            workload.container().getEnv().stream()
                    .map(EnvVar::getValueFrom).filter(Objects::nonNull)
                    .map(from -> from.getConfigMapKeyRef()).filter(Objects::nonNull)
                    .forEach(ref -> used.add(ref.getKey()));
        }
        for (ConfigMap config : dev().all(ConfigMap.class)) {
            assertThat(used).as("keys of ConfigMap %s", config.getMetadata().getName())
                    .containsAll(config.getData().keySet());
        }
    }

    @Test
    void the_secret_urls_carry_the_passwords_the_in_cluster_servers_are_given() {
        String secretName = dev().role("updater").container().getEnv().stream()
                .filter(v -> v.getName().equals("DATABASE_URL")).findFirst().orElseThrow()
                .getValueFrom().getSecretKeyRef().getName();
        Map<String, String> secret = dev().secretData(secretName);

        Workload redis = workload("redis");
        Workload postgres = workload("postgres");
        String redisPassword = dev().environment(redis, redis.container()).get("REDIS_PASSWORD");
        String postgresPassword = dev().environment(postgres, postgres.container()).get("POSTGRES_PASSWORD");

        assertThat(redis.container().getArgs()).containsSubsequence("--requirepass", "$(REDIS_PASSWORD)");
        assertThat(URI.create(secret.get("REDIS_URL")).getUserInfo()).isEqualTo(":" + redisPassword);
        assertThat(URI.create(secret.get("DATABASE_URL")).getUserInfo()).isEqualTo("postgres:" + postgresPassword);
    }

    @Test
    void redis_keeps_an_append_only_file_on_a_persistent_volume_behind_a_service() {
        StatefulSet redis = dev().get(StatefulSet.class, "redis");
        Container server = redis.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> args = server.getArgs();

        assertThat(args).containsSubsequence("--appendonly", "yes");
        assertThat(args).containsSubsequence("--appendfsync", "everysec");
        assertThat(claimMountedAt(redis, server, args.get(args.indexOf("--dir") + 1))).isTrue();
        assertThat(redis.getSpec().getReplicas()).as("two Redis would split the membership").isEqualTo(1);
        assertThat(dev().servicesSelecting(workload("redis"))).extracting(s -> s.getMetadata().getName()).contains("redis");
    }

    @Test
    void nats_keeps_its_jetstream_on_a_persistent_volume() {
        StatefulSet nats = dev().get(StatefulSet.class, "nats");
        Container server = nats.getSpec().getTemplate().getSpec().getContainers().get(0);
        String storeDir = server.getArgs().stream().filter(a -> a.startsWith("--store_dir=")).findFirst()
                .map(a -> a.substring("--store_dir=".length())).orElseThrow(() -> new AssertionError("no --store_dir"));

        assertThat(server.getArgs()).contains("--jetstream");
        assertThat(claimMountedAt(nats, server, storeDir)).isTrue();
    }

    @Test
    void postgres_keeps_its_data_on_a_persistent_volume() {
        StatefulSet postgres = dev().get(StatefulSet.class, "postgres");
        Container server = postgres.getSpec().getTemplate().getSpec().getContainers().get(0);
        String pgdata = server.getEnv().stream().filter(v -> v.getName().equals("PGDATA")).findFirst().orElseThrow().getValue();

        assertThat(claimMountedAt(postgres, server, pgdata)).isTrue();
    }

    @Test
    void the_api_and_the_dashboard_each_have_a_service_on_their_http_port() {
        for (String role : List.of("api", "dashboard")) {
            Workload workload = dev().role(role);
            RoleLaunch launch = RoleLaunch.of(workload.container().getArgs(), dev().environment(workload, workload.container()));
            Service service = dev().get(Service.class, role);

            assertThat(dev().servicesSelecting(workload)).contains(service);
            assertThat(service.getSpec().getPorts()).anySatisfy(port -> {
                assertThat(port.getPort()).isEqualTo(launch.httpPort());
                assertThat(portNumber(workload.container(), port.getTargetPort())).isEqualTo(launch.httpPort());
            });
        }
    }

    private static Workload workload(String name) {
        return dev().workloads().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no workload " + name));
    }

    private static boolean claimMountedAt(StatefulSet set, Container container, String path) {
        Set<String> claims = set.getSpec().getVolumeClaimTemplates().stream()
                .map(c -> c.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
        return container.getVolumeMounts().stream()
                .anyMatch(m -> claims.contains(m.getName()) && (path + "/").startsWith(m.getMountPath() + "/"));
    }

    private static Map<String, Probe> probes(Container container) {
        Map<String, Probe> probes = new java.util.LinkedHashMap<>();
        if (container.getStartupProbe() != null) {
            probes.put("startup", container.getStartupProbe());
        }
        if (container.getLivenessProbe() != null) {
            probes.put("liveness", container.getLivenessProbe());
        }
        if (container.getReadinessProbe() != null) {
            probes.put("readiness", container.getReadinessProbe());
        }
        return probes;
    }

    private static String path(Probe probe) {
        return probe.getHttpGet() == null ? null : probe.getHttpGet().getPath();
    }

    /** A probe's or Service's port, by number or by the name of a container port. */
    private static int portNumber(Container container, IntOrString port) {
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream().filter(p -> port.getStrVal().equals(p.getName())).findFirst()
                .map(ContainerPort::getContainerPort)
                .orElseGet(() -> fail("container %s has no port named %s", container.getName(), port.getStrVal()));
    }

    private static int statusOf(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
                .timeout(Duration.ofSeconds(5)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http" -> 80;
            case "nats" -> 4222;
            case "redis", "rediss" -> 6379;
            case "postgresql" -> 5432;
            default -> throw new AssertionError("no default port for " + scheme);
        };
    }

    private static java.math.BigDecimal bytes(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity);
    }
}
