package io.mockstagram.up;

import io.mockstagram.local.RoleProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** up warns at start-up when Ctrl-C cannot reach it, because it was started with SIGINT ignored. */
class InterruptDispositionTest {

    @Test
    void sigint_is_bit_one_of_the_ignored_mask() {
        assertThat(InterruptDisposition.ignored("Name:\tjava\nSigIgn:\t0000000000000002\nSigCgt:\t0\n")).isTrue();
        assertThat(InterruptDisposition.ignored("SigIgn:\t0000000000001006\n")).isTrue();
        assertThat(InterruptDisposition.ignored("SigIgn:\t0000000000001004\n")).isFalse();
        assertThat(InterruptDisposition.ignored("Name:\tjava\n")).as("no mask: cannot tell, assume not").isFalse();
    }

    @Test
    void up_started_with_sigint_ignored_says_so_and_how_to_stop_it(@TempDir Path work) {
        String said = upRefusingToStart(work, List.of("env", "--ignore-signal=INT"));

        assertThat(said).contains("SIGINT is ignored").contains("kill -TERM");
    }

    @Test
    void up_started_with_sigint_at_its_default_does_not_warn(@TempDir Path work) {
        String said = upRefusingToStart(work, UpTest.INTERRUPTIBLE);

        assertThat(said).doesNotContain("SIGINT is ignored");
    }

    /** Runs up with a bad setting, so that it exits right after its start-up checks. */
    private static String upRefusingToStart(Path work, List<String> launcher) {
        var up = RoleProcess.start("up", RoleProcess.LIGHT_JVM, List.of("--producers", "0", "--work-dir", work.toString()),
                Map.of(), work.resolve("up.log"), RoleProcess.Priority.INTERACTIVE, launcher);
        try {
            assertThat(up.awaitExit(60)).as(up.output()).isEqualTo(2);
            return up.output();
        } finally {
            up.close();
        }
    }
}
