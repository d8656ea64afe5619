package io.mockstagram.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A kustomization under deploy/k8s rendered by {@code kubectl kustomize}, every object read
 * as a typed Kubernetes model object.
 */
final class Manifests {

    /** The image every Mockstagram role runs; skaffold and Jib build it under this name. */
    static final String IMAGE = "mockstagram";

    private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final String kustomization;
    private final List<HasMetadata> objects;

    private Manifests(String kustomization, List<HasMetadata> objects) {
        this.kustomization = kustomization;
        this.objects = List.copyOf(objects);
    }

    /** Renders {@code deploy/k8s/<kustomization>}, once per test run. */
    static Manifests render(String kustomization) {
        return RENDERED.computeIfAbsent(kustomization, k -> new Manifests(k, parse(kubectlKustomize(k))));
    }

    static String kubectlKustomize(String kustomization) {
        Path dir = Repository.file("deploy/k8s/" + kustomization);
        Optional<Path> kubectl = onPath("kubectl");
        Assumptions.assumeTrue(kubectl.isPresent(),
                "kubectl is not on the PATH, so deploy/k8s cannot be rendered and these checks did not run:"
                        + " install kubectl (it bundles kustomize) to run them");
        try {
            Path out = Files.createTempFile("kustomize-", ".yaml");
            Path err = Files.createTempFile("kustomize-", ".err");
            try {
                Process process = new ProcessBuilder(kubectl.get().toString(), "kustomize", dir.toString())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 60 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("kubectl kustomize " + dir + " failed: " + Files.readString(err));
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Optional<Path> onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Every document of a multi-document YAML stream, as the fabric8 model class of its kind. */
    static List<HasMetadata> parse(String yaml) {
        try (var parser = YAML.getFactory().createParser(yaml)) {
            List<HasMetadata> objects = new ArrayList<>();
            var documents = YAML.readValues(parser, KubernetesResource.class);
            while (documents.hasNext()) {
                KubernetesResource object = documents.next();
                if (!(object instanceof HasMetadata withMetadata)) {
                    throw new IllegalStateException("not a Kubernetes object with metadata: " + object);
                }
                objects.add(withMetadata);
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String kustomization() {
        return kustomization;
    }

    List<HasMetadata> objects() {
        return objects;
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> kind, String name) {
        return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> kind, String name) {
        return find(kind, name).orElseThrow(() ->
                new AssertionError("deploy/k8s/" + kustomization + " has no " + kind.getSimpleName() + " " + name));
    }

    /** Deployments and StatefulSets, with their pod templates. */
    List<Workload> workloads() {
        return Stream.concat(
                all(Deployment.class).stream().map(d -> new Workload(d, d.getSpec().getReplicas(), d.getSpec().getTemplate())),
                all(StatefulSet.class).stream().map(s -> new Workload(s, s.getSpec().getReplicas(), s.getSpec().getTemplate())))
                .toList();
    }

    /** The workloads whose containers run the Mockstagram image: one per role. */
    List<Workload> roles() {
        return workloads().stream().filter(Workload::runsMockstagram).toList();
    }

    Workload role(String role) {
        return roles().stream().filter(w -> w.role().equals(role)).findFirst()
                .orElseThrow(() -> new AssertionError("deploy/k8s/" + kustomization + " runs no " + role));
    }

    List<PodDisruptionBudget> budgetsSelecting(Workload workload) {
        Map<String, String> labels = workload.template().getMetadata().getLabels();
        return all(PodDisruptionBudget.class).stream()
                .filter(b -> labels.entrySet().containsAll(b.getSpec().getSelector().getMatchLabels().entrySet()))
                .toList();
    }

    List<Service> servicesSelecting(Workload workload) {
        Map<String, String> labels = workload.template().getMetadata().getLabels();
        return all(Service.class).stream()
                .filter(s -> s.getSpec().getSelector() != null
                        && labels.entrySet().containsAll(s.getSpec().getSelector().entrySet()))
                .toList();
    }

    /**
     * The environment a container gets, as the kubelet would build it: values, ConfigMap and
     * Secret keys looked up, the pod's own name for {@code metadata.name}.
     */
    Map<String, String> environment(Workload workload, Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), value(workload, variable));
        }
        return env;
    }

    private String value(Workload workload, EnvVar variable) {
        if (variable.getValueFrom() == null) {
            return variable.getValue();
        }
        var from = variable.getValueFrom();
        if (from.getConfigMapKeyRef() != null) {
            var ref = from.getConfigMapKeyRef();
            String value = get(ConfigMap.class, ref.getName()).getData().get(ref.getKey());
            if (value == null) {
                throw new AssertionError(workload + " takes " + variable.getName() + " from key " + ref.getKey()
                        + ", which ConfigMap " + ref.getName() + " does not have");
            }
            return value;
        }
        if (from.getSecretKeyRef() != null) {
            var ref = from.getSecretKeyRef();
            Secret secret = get(Secret.class, ref.getName());
            String encoded = secret.getData() == null ? null : secret.getData().get(ref.getKey());
            if (encoded == null) {
                throw new AssertionError(workload + " takes " + variable.getName() + " from key " + ref.getKey()
                        + ", which Secret " + ref.getName() + " does not have");
            }
            return new String(Base64.getMimeDecoder().decode(encoded), StandardCharsets.UTF_8);
        }
        if (from.getFieldRef() != null && "metadata.name".equals(from.getFieldRef().getFieldPath())) {
            return workload.name() + "-7d4b9c6f8-x2k5p";
        }
        throw new AssertionError(workload + " sets " + variable.getName() + " from a source these checks do not know: " + from);
    }

    /** The ConfigMap or Secret keys, decoded, of the object with this name. */
    Map<String, String> secretData(String name) {
        Map<String, String> decoded = new LinkedHashMap<>();
        get(Secret.class, name).getData().forEach((key, value) ->
                decoded.put(key, new String(Base64.getMimeDecoder().decode(value), StandardCharsets.UTF_8)));
        return decoded;
    }

    /** A Deployment or StatefulSet. */
    record Workload(HasMetadata object, Integer replicas, PodTemplateSpec template) {

        String name() {
            return object.getMetadata().getName();
        }

        String kind() {
            return object.getKind();
        }

        List<Container> containers() {
            return template.getSpec().getContainers();
        }

        Container container() {
            if (containers().size() != 1) {
                throw new AssertionError(this + " has " + containers().size() + " containers, not one");
            }
            return containers().get(0);
        }

        boolean runsMockstagram() {
            return containers().stream().anyMatch(c -> imageName(c.getImage()).equals(IMAGE));
        }

        /** The subcommand its container runs: the first argument. */
        String role() {
            List<String> args = container().getArgs();
            return args == null || args.isEmpty() ? "" : args.get(0);
        }

        @Override
        public String toString() {
            return kind() + " " + name();
        }
    }

    /** The image's repository name, without registry, tag or digest. */
    static String imageName(String image) {
        String name = image.replaceFirst("@.*$", "");
        int slash = name.lastIndexOf('/');
        int colon = name.lastIndexOf(':');
        if (colon > slash) {
            name = name.substring(0, colon);
        }
        return name.substring(slash + 1);
    }
}
