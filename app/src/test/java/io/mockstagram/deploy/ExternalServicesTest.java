package io.mockstagram.deploy;

import io.fabric8.kubernetes.api.model.Service;
import io.mockstagram.deploy.Manifests.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s/overlays/external: the base with the external-services component, for a Redis
 * and a PostgreSQL outside the cluster.
 */
class ExternalServicesTest {

    private static Manifests external() {
        return Manifests.render("overlays/external");
    }

    @Test
    void the_in_cluster_redis_and_postgres_are_gone_and_nats_stays() {
        List<String> workloads = external().workloads().stream().map(Workload::name).toList();
        List<String> services = external().all(Service.class).stream().map(s -> s.getMetadata().getName()).toList();

        assertThat(workloads).doesNotContain("redis", "postgres").contains("nats");
        assertThat(services).doesNotContain("redis", "postgres").contains("nats");
    }

    @Test
    void the_roles_reach_the_servers_named_in_the_secret() {
        // As in overlays/external/external-services.env, which users replace with their own.
        Map<String, String> servers = Map.of(
                "redis", "rediss://redis.example.internal:6380",
                "database", "postgresql://postgres.example.internal:5432");
        for (Workload workload : external().roles()) {
            RoleLaunch launch = RoleLaunch.of(workload.container().getArgs(), external().environment(workload, workload.container()));
            servers.forEach((kind, server) -> launch.endpoint(kind).ifPresent(uri ->
                    assertThat(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort())
                            .as("%s reaches %s at", workload, kind).isEqualTo(server)));
        }
        Workload updater = external().role("updater");
        assertThat(RoleLaunch.of(updater.container().getArgs(), external().environment(updater, updater.container())).endpoints())
                .as("the updater reaches both").containsKeys("redis", "database");
    }

    @Test
    void every_role_still_runs_with_every_variable_it_is_given_read() {
        assertThat(external().roles()).extracting(Workload::role).containsExactlyInAnyOrderElementsOf(RoleLaunch.SERVER_ROLES);
        for (Workload workload : external().roles()) {
            Map<String, String> env = external().environment(workload, workload.container());
            assertThat(RoleLaunch.of(workload.container().getArgs(), env).unread(env.keySet())).as("%s", workload).isEmpty();
        }
    }
}
