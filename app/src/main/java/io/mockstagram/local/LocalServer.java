package io.mockstagram.local;

import java.util.ArrayList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server binary (redis-server, nats-server, ...) run as a child process on a fixed
 * loopback port, which can be stopped, killed, paused and started again on the same port.
 * It never outlives this JVM. Its owner stops it in order, after what uses it; should this
 * JVM end first, however it ends (System.exit, Ctrl-C, kill -9, a crash), a watcher process
 * stops it. No shutdown hook does: hooks run all at once, and would stop the servers while
 * the roles that use them are still stopping.
 */
public abstract class LocalServer implements AutoCloseable {

    private final String binary;
    private final String installHint;
    protected final int port;
    protected final Path workDir;
    private Process process;
    private Process orphanGuard;

    protected LocalServer(String binary, String installHint, int port, Path workDir) {
        this.binary = binary;
        this.installHint = installHint;
        this.port = port;
        this.workDir = workDir;
    }

    protected abstract List<String> arguments();

    /** The whole command line; by default the binary followed by {@link #arguments()}. */
    protected List<String> command() {
        var command = new ArrayList<String>();
        command.add(Binaries.find(binary, installHint).toString());
        command.addAll(arguments());
        return command;
    }

    /** Work before the first start, such as creating a data directory. */
    protected void prepare() {
    }

    /** True once the server answers on its port. */
    protected abstract boolean isUp();

    public abstract String url();

    public int port() {
        return port;
    }

    public synchronized LocalServer start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(workDir);
            prepare();
            process = new ProcessBuilder(inOwnSession(command()))
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve(binary + ".log").toFile())
                    .start();
            orphanGuard = guard(process.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        awaitUntil(this::isUp, Duration.ofSeconds(20), binary + " on port " + port + " did not come up; see "
                + workDir.resolve(binary + ".log"));
        return this;
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** SIGKILL: the server dies without a word. */
    public synchronized void kill() {
        if (process != null) {
            releaseGuard();
            process.destroyForcibly();
            waitForExit();
        }
    }

    /** Asks the server to stop (see {@link #stopSignal()}) and waits. */
    public synchronized void stop() {
        releaseGuard();
        if (process != null && process.isAlive()) {
            try {
                Signals.send(process.pid(), stopSignal());
            } catch (IllegalStateException e) {
                // It may have exited of its own accord since it was seen alive.
                if (process.isAlive()) {
                    throw e;
                }
            }
            waitForExit();
        }
    }

    /** The signal for a quick, clean stop; TERM unless the server has a better one. */
    protected String stopSignal() {
        return "TERM";
    }

    /**
     * A shell that waits on a pipe from this JVM and, when the pipe closes because this JVM
     * is gone, signals the server. Closing the pipe is the one thing the kernel does for
     * every death, kill -9 included, which no shutdown hook can see.
     */
    private Process guard(long serverPid) throws IOException {
        return new ProcessBuilder(inOwnSession(List.of("/bin/sh", "-c", "read ignored; kill -" + stopSignal() + " \"$0\"",
                Long.toString(serverPid))))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /**
     * Ctrl-C in a terminal signals its whole process group. A server in a session of its own
     * does not get it, so it stays up while the roles that use it stop, and is stopped last.
     * setsid execs the command (a child of the JVM leads no group), so the pid stays the server's.
     */
    private static List<String> inOwnSession(List<String> command) {
        return Binaries.locate("setsid").map(setsid -> {
            List<String> detached = new ArrayList<>();
            detached.add(setsid.toString());
            detached.addAll(command);
            return detached;
        }).orElse(command);
    }

    /** Stops the guard before the server, so that it does not signal a pid the server has given up. */
    private void releaseGuard() {
        if (orphanGuard != null) {
            orphanGuard.destroyForcibly();
            try {
                orphanGuard.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            orphanGuard = null;
        }
    }

    public synchronized void pause() {
        Signals.send(process.pid(), "STOP");
    }

    public synchronized void resume() {
        Signals.send(process.pid(), "CONT");
    }

    @Override
    public void close() {
        stop();
    }

    private void waitForExit() {
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitUntil(BooleanSupplier condition, Duration limit, String failure) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(failure);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for a server", e);
            }
        }
    }
}
