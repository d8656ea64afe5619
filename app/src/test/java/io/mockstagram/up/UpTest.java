package io.mockstagram.up;

import io.mockstagram.local.FreePorts;
import io.mockstagram.local.RoleProcess;
import io.mockstagram.local.Signals;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code up} runs the whole system, and Ctrl-C, or even kill -9, takes all of it down again. */
@Tag("e2e")
class UpTest {

    static final List<String> INTERRUPTIBLE = List.of("env", "--default-signal=INT");

    private RoleProcess up;

    @AfterEach
    void stop() {
        if (up != null) {
            up.close();
        }
    }

    /**
     * Starts up with servers of its own and returns every process it started, once it is up.
     * Through {@code env --default-signal=INT}: a suite started in the background of a
     * non-interactive shell ({@code bin/test &}) runs with SIGINT ignored, which up would inherit.
     */
    private List<ProcessHandle> startUp(Path work) {
        int dashboard = FreePorts.next();
        up = RoleProcess.start("up", RoleProcess.LIGHT_JVM,
                List.of("--own-servers", "--producers", "2", "--influencers", "500", "--interval", "5s",
                        "--dashboard-port", Integer.toString(dashboard), "--namespace", "uptest",
                        "--work-dir", work.toString()),
                Map.of(), work.resolve("up.log"), RoleProcess.Priority.INTERACTIVE, INTERRUPTIBLE);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .failFast("up exited", () -> !up.isAlive())
                    .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard + "/api/cluster"))
                            .build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"total\":2"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the cluster never came up:\n" + up.output(), e);
        }
        List<ProcessHandle> children = ProcessHandle.of(up.pid()).orElseThrow().descendants().toList();
        assertThat(children.stream().map(p -> p.info().command().orElse("")))
                .as("roles and the servers up started")
                .anyMatch(c -> c.contains("redis")).anyMatch(c -> c.endsWith("nats-server"))
                .anyMatch(c -> c.endsWith("postgres")).anyMatch(c -> c.endsWith("java"));
        return children;
    }

    @Test
    void ctrlCLeavesNoChildProcessAndNoServerItStarted(@TempDir Path work) {
        List<ProcessHandle> children = startUp(work);

        Signals.send(up.pid(), "INT");

        withUpsLog(() -> {
            assertThat(up.awaitExit(60)).as("128 + SIGINT: up stopped by itself, nothing had to kill it").isEqualTo(130);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(children).as("every process up started").noneMatch(ProcessHandle::isAlive));
        });
    }

    /** Runs {@code checks}; if one fails, the failure carries up's own log, which says what it did. */
    private void withUpsLog(Runnable checks) {
        try {
            checks.run();
        } catch (AssertionError | ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\n--- up's log ---\n" + up.output(), e);
        }
    }

    @Test
    void killedWithMinus9ItStillLeavesNoChildProcessAndNoServerBehind(@TempDir Path work) {
        List<ProcessHandle> children = startUp(work);

        Signals.send(up.pid(), "KILL");

        // No shutdown hook runs: the roles notice their parent is gone, and each server's
        // watcher notices the pipe from the dead JVM close.
        withUpsLog(() -> await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(children).as("every process up started").noneMatch(ProcessHandle::isAlive)));
    }
}
