package io.mockstagram.infra;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real exit path, in a JVM of its own: an Error in a loop ends the process with 70, after a graceful stop. */
class FatalExitTest {

    @Test
    void aRoleWhoseLoopThrowsAnErrorStopsGracefullyAndExitsWith70() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(List.of(java.toString(), "-XX:TieredStopAtLevel=1", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), FailingRole.class.getName()))
                .redirectErrorStream(true)
                .start();

        boolean exited = process.waitFor(90, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            process.destroyForcibly();
        }

        assertThat(exited).as("exited; output:\n%s", output).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(70);
        assertThat(output).contains("fatal failure; exiting").contains("role stopped gracefully");
    }

    /** A role with one loop that fails with an Error on its third pass. */
    static final class FailingRole implements RunningRole {

        private final RoleContext context = RoleContext.create("producer", "failing", 1);

        public static void main(String[] args) throws InterruptedException {
            FailingRole role = new FailingRole();
            var loop = Executors.newSingleThreadScheduledExecutor();
            role.context.own(loop::shutdownNow);
            LoopGuard guard = role.context.guard("scheduler");
            int[] passes = {0};
            loop.scheduleWithFixedDelay(guard.wrap(() -> {
                if (++passes[0] == 3) {
                    throw new NoClassDefFoundError("injected");
                }
            }), 0, 10, TimeUnit.MILLISECONDS);
            System.exit(RunningRole.runUntilStopped(role));
        }

        @Override
        public void awaitStop() throws InterruptedException {
            context.awaitClosed();
        }

        @Override
        public void close() {
            context.close();
            System.out.println("role stopped gracefully");
        }
    }
}
