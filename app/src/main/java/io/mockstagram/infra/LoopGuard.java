package io.mockstagram.infra;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each pass of one of a role's loops so that no failure ends it unseen. Every failure
 * is logged and counted as {@code mockstagram_loop_failures_total{loop=...}}. After an
 * exception the loop goes on with its next pass. An {@link Error} leaves the process in a
 * state nobody can vouch for, so it is fatal: the guard stops running passes and reports
 * it, and the role turns not-ready and exits (see {@link FatalFailure}).
 */
public final class LoopGuard {

    private static final Logger log = LoggerFactory.getLogger(LoopGuard.class);
    /** A loop that fails on every pass would otherwise flood the log. */
    private static final int LOG_EVERY = 100;

    private final String loop;
    private final Counter failures;
    private final FatalFailure fatal;
    private volatile boolean halted;
    // Passes of one loop run one at a time, on its thread.
    private long failingStreak;

    public LoopGuard(String loop, MeterRegistry registry, FatalFailure fatal) {
        this.loop = loop;
        this.fatal = fatal;
        this.failures = Counter.builder("mockstagram.loop.failures")
                .description("Passes of a role's loop that failed; an Error also stops the role")
                .tag("loop", loop)
                .register(registry);
    }

    public String loop() {
        return loop;
    }

    /** True once an Error stopped the loop for good. */
    public boolean halted() {
        return halted;
    }

    /** Runs one pass of the loop; nothing it throws escapes. */
    public void run(Runnable pass) {
        if (halted) {
            return;
        }
        try {
            pass.run();
            if (failingStreak > 0) {
                log.atInfo().setMessage("loop recovered").addKeyValue("loop", loop)
                        .addKeyValue("failedPasses", failingStreak).log();
                failingStreak = 0;
            }
        } catch (RuntimeException e) {
            failures.increment();
            if (failingStreak++ % LOG_EVERY == 0) {
                log.atError().setMessage("loop pass failed; the loop goes on").addKeyValue("loop", loop)
                        .addKeyValue("failedPasses", failingStreak).setCause(e).log();
            }
        } catch (Error e) {
            halted = true;
            failures.increment();
            fatal.failFatally("loop " + loop + " failed with " + e, e);
        }
    }

    /** The pass as a task for an executor. */
    public Runnable wrap(Runnable pass) {
        return () -> run(pass);
    }
}
