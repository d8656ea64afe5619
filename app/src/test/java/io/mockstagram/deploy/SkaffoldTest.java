package io.mockstagram.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/** skaffold.yaml: `skaffold dev` builds the one image with Jib and deploys the dev overlay. */
class SkaffoldTest {

    private static JsonNode skaffold() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(Repository.file("skaffold.yaml").toFile());
    }

    @Test
    void it_builds_the_one_image_with_jib_from_the_app_module() throws IOException {
        JsonNode artifacts = skaffold().path("build").path("artifacts");
        Pom app = Pom.read("app/pom.xml");
        String module = app.text("parent/groupId").orElseThrow() + ":" + app.text("artifactId").orElseThrow();

        assertThat(skaffold().path("apiVersion").asText()).startsWith("skaffold/v4");
        assertThat(artifacts).hasSize(1);
        assertThat(artifacts.get(0).path("image").asText()).isEqualTo(Manifests.IMAGE);
        assertThat(artifacts.get(0).path("jib").path("project").asText()).isEqualTo(module);
    }

    @Test
    void it_deploys_the_dev_overlay_with_kustomize() throws IOException {
        JsonNode paths = skaffold().path("manifests").path("kustomize").path("paths");

        assertThat(paths).hasSize(1);
        assertThat(paths.get(0).asText()).isEqualTo("deploy/k8s/overlays/dev");
        assertThat(Files.isRegularFile(Repository.file(paths.get(0).asText()).resolve("kustomization.yaml"))).isTrue();
    }

    @Test
    void it_forwards_ports_of_services_the_dev_overlay_has() throws IOException {
        Manifests dev = Manifests.render("overlays/dev");
        for (JsonNode forward : skaffold().path("portForward")) {
            Service service = dev.get(Service.class, forward.path("resourceName").asText());
            assertThat(forward.path("namespace").asText()).isEqualTo(service.getMetadata().getNamespace());
            assertThat(service.getSpec().getPorts()).extracting(ServicePort::getPort).contains(forward.path("port").asInt());
        }
    }
}
