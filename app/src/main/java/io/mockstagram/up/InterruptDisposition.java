package io.mockstagram.up;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether this process was started with SIGINT ignored. A shell runs a background job
 * ({@code cmd &}) without job control that way, and a JVM that inherits an ignored SIGINT
 * installs no handler for it: Ctrl-C then never reaches {@code up}'s shutdown hook. Read from
 * the kernel's own account ({@code SigIgn} in {@code /proc/self/status}, bit n-1 for signal
 * n), since Java has no portable way to ask.
 */
final class InterruptDisposition {

    static final int SIGINT = 2;
    private static final Path STATUS = Path.of("/proc/self/status");

    private InterruptDisposition() {
    }

    /** True when this process ignores SIGINT; false when it does not or the system cannot tell. */
    static boolean ignoredHere() {
        try {
            return ignored(Files.readString(STATUS));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Whether a {@code /proc/<pid>/status} text says SIGINT is ignored. */
    static boolean ignored(String status) {
        return status.lines().filter(line -> line.startsWith("SigIgn:")).findFirst()
                .map(line -> new BigInteger(line.substring("SigIgn:".length()).strip(), 16).testBit(SIGINT - 1))
                .orElse(false);
    }

    /** The warning {@code up} prints at start-up when Ctrl-C cannot stop it. */
    static Optional<String> warning() {
        return ignoredHere()
                ? Optional.of("warning: SIGINT is ignored in this process (started as a background job without job "
                        + "control?), so Ctrl-C will not stop up; stop it with kill -TERM " + ProcessHandle.current().pid()
                        + ", or start it through 'env --default-signal=INT'")
                : Optional.empty();
    }
}
