package io.mockstagram.cli;

import io.mockstagram.local.RoleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad configuration fails at start-up with one line that names what to fix, and exit status 2. */
class BadConfigurationTest {

    private record Outcome(int status, String err) {
    }

    private Outcome run(String... args) {
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setErr(new PrintWriter(err)).execute(args);
        return new Outcome(status, err.toString().trim());
    }

    @Test
    void aMalformedUrlIsNamed() {
        Outcome outcome = run("producer", "--redis-url", "redis//localhost");

        assertThat(outcome.status()).isEqualTo(Main.CONFIG_ERROR);
        assertThat(outcome.err()).isEqualTo(
                "producer: --redis-url='redis//localhost': a Redis URL starts with redis:// or rediss://, as in redis://localhost:6379");
    }

    @Test
    void aHostThatDoesNotResolveIsNamed() {
        Outcome outcome = run("nurse", "--redis-url", "redis://no-such-host.invalid:6379");

        assertThat(outcome.status()).isEqualTo(Main.CONFIG_ERROR);
        assertThat(outcome.err()).contains("--redis-url").contains("host 'no-such-host.invalid' cannot be resolved");
    }

    @Test
    void aHostThatRefusesConnectionsIsNamedOnceTheStartupTimeoutIsOver() {
        Outcome outcome = run("producer", "--redis-url", "redis://127.0.0.1:1", "--startup-timeout", "300ms");

        assertThat(outcome.status()).isEqualTo(Main.CONFIG_ERROR);
        assertThat(outcome.err()).startsWith("producer: --redis-url='redis://127.0.0.1:1/0': cannot connect");
    }

    @Test
    void aLeaseShorterThanThreeHeartbeatsIsRejected() {
        Outcome outcome = run("producer", "--lease-ms", "1000", "--heartbeat-ms", "1000");

        assertThat(outcome.status()).isEqualTo(Main.CONFIG_ERROR);
        assertThat(outcome.err()).isEqualTo("producer: --lease-ms (1000) must be at least three times --heartbeat-ms (1000), "
                + "so that a producer renews before it fences itself");
    }

    @Test
    void anUnknownPartitionerIsRejected() {
        Outcome outcome = run("producer", "--partitioner", "ring");

        assertThat(outcome.status()).isEqualTo(Main.CONFIG_ERROR);
        assertThat(outcome.err()).contains("--partitioner='ring' is not a partitioner").contains("modulo or jump");
    }

    @Test
    void aBadVariableIsNamedToo(@TempDir Path dir) {
        RoleProcess process = RoleProcess.start("producer", RoleProcess.LIGHT_JVM, List.of(),
                Map.of("NATS_URL", "localhost:4222"), dir.resolve("producer.log"));

        assertThat(process.awaitExit(30)).isEqualTo(Main.CONFIG_ERROR);
        assertThat(process.output().trim()).endsWith(
                "producer: NATS_URL='localhost:4222': a NATS URL starts with nats://, tls://, ws:// or wss://, as in nats://localhost:4222");
    }

    @Test
    void everyRoleExplainsItself() {
        for (String role : List.of("producer", "nurse", "bench")) {
            StringWriter out = new StringWriter();
            int status = Main.commandLine().setOut(new PrintWriter(out)).execute(role, "--help");
            assertThat(status).isZero();
            assertThat(out.toString()).startsWith("Usage: mockstagram " + role);
        }
    }
}
