package io.mockstagram.deploy;

import io.mockstagram.api.ApiSettings;
import io.mockstagram.cli.Main;
import io.mockstagram.dashboard.DashboardSettings;
import io.mockstagram.deploy.Manifests.Workload;
import io.mockstagram.nurse.NurseSettings;
import io.mockstagram.producer.ProducerSettings;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Jib configuration in app/pom.xml, read as written. Building the image needs the base
 * image's registry, which this machine cannot reach, so the build is not run here: the
 * configuration is what is checked. (deploy/image/local-base-image.sh makes a base image
 * tarball from the local JDK for a fully offline {@code jib:buildTar}; see the README.)
 */
class JibConfigurationTest {

    private static final Pom ROOT = Pom.read("pom.xml");
    private static final Pom APP = Pom.read("app/pom.xml");

    private static Element jib() {
        return APP.plugin("build/plugins", "jib-maven-plugin")
                .orElseThrow(() -> new AssertionError("app/pom.xml does not configure jib-maven-plugin"));
    }

    private static String jib(String path) {
        return Pom.text(jib(), path).orElseThrow(() -> new AssertionError("no <" + path + "> in the Jib configuration"));
    }

    @Test
    void the_plugin_version_is_pinned_once_for_the_whole_build() {
        Element managed = ROOT.plugin("build/pluginManagement/plugins", "jib-maven-plugin")
                .orElseThrow(() -> new AssertionError("the root pom does not manage jib-maven-plugin"));

        assertThat(Pom.text(managed, "groupId")).hasValue("com.google.cloud.tools");
        assertThat(Pom.text(managed, "version")).hasValueSatisfying(v -> assertThat(v).matches("\\d+\\.\\d+\\.\\d+"));
    }

    @Test
    void an_ordinary_build_never_runs_jib_so_it_needs_no_registry() {
        assertThat(Pom.child(jib(), "executions")).as("Jib goals bound to the lifecycle").isEmpty();
    }

    @Test
    void only_the_app_module_becomes_an_image() {
        Element membershipJib = Pom.read("membership/pom.xml").plugin("build/plugins", "jib-maven-plugin")
                .orElseThrow(() -> new AssertionError("membership/pom.xml does not tell Jib to skip it"));
        assertThat(Pom.text(membershipJib, "configuration/skip")).hasValue("true");
    }

    @Test
    void the_image_starts_the_command_line_and_takes_the_role_as_its_argument() {
        assertThat(jib("configuration/container/mainClass")).isEqualTo(Main.class.getName());
        assertThat(Pom.text(jib(), "configuration/container/entrypoint")).as("a fixed entrypoint").isEmpty();
        assertThat(Pom.texts(jib(), "configuration/container/args", "arg")).as("default arguments").isEmpty();
    }

    @Test
    void the_base_is_a_java_runtime_of_the_release_the_code_is_compiled_for() {
        String release = ROOT.text("properties/maven.compiler.release").orElseThrow();
        String base = jib("configuration/from/image");

        assertThat(base).startsWith("eclipse-temurin:" + release + "-jre");
    }

    @Test
    void the_image_has_the_name_the_manifests_and_skaffold_use() {
        assertThat(jib("configuration/to/image")).isEqualTo(Manifests.IMAGE);
    }

    @Test
    void the_jvm_sizes_its_heap_from_the_container_and_exits_when_it_runs_out() {
        List<String> flags = Pom.texts(jib(), "configuration/container/jvmFlags", "jvmFlag");

        assertThat(flags).contains("-XX:+ExitOnOutOfMemoryError");
        assertThat(flags).noneMatch(f -> f.startsWith("-Xmx") || f.startsWith("-XX:MaxHeapSize"));
        Matcher share = flags.stream().map(Pattern.compile("-XX:MaxRAMPercentage=(\\d+)")::matcher)
                .filter(Matcher::matches).findFirst()
                .orElseThrow(() -> new AssertionError("no -XX:MaxRAMPercentage in " + flags));
        assertThat(Integer.parseInt(share.group(1))).isBetween(50, 80);
    }

    @Test
    void the_image_runs_as_a_numeric_non_root_user() {
        String user = jib("configuration/container/user");

        assertThat(user).matches("\\d+(:\\d+)?");
        assertThat(Long.parseLong(user.split(":")[0])).isPositive();
    }

    @Test
    void the_manifests_run_the_roles_as_the_image_user() {
        long uid = Long.parseLong(jib("configuration/container/user").split(":")[0]);
        for (Workload workload : Manifests.render("overlays/dev").roles()) {
            assertThat(workload.template().getSpec().getSecurityContext().getRunAsUser()).as("%s", workload).isEqualTo(uid);
        }
    }

    @Test
    void the_image_exposes_the_default_port_of_every_role() {
        Set<Integer> defaults = new TreeSet<>(List.of(ApiSettings.DEFAULT_HTTP_PORT, DashboardSettings.DEFAULT_HTTP_PORT,
                ProducerSettings.DEFAULT_HTTP_PORT, NurseSettings.DEFAULT_HTTP_PORT));
        List<Integer> exposed = Pom.texts(jib(), "configuration/container/ports", "port").stream().map(Integer::valueOf).toList();

        assertThat(exposed).containsExactlyInAnyOrderElementsOf(defaults);
    }
}
