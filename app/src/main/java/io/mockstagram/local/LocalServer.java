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
 */
public abstract class LocalServer implements AutoCloseable {

    private final String binary;
    private final String installHint;
    protected final int port;
    protected final Path workDir;
    private Process process;
    private Thread stopOnExit;

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
            process = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve(binary + ".log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        // A server started here must not outlive this JVM, even when it is stopped by a signal.
        if (stopOnExit == null) {
            stopOnExit = new Thread(this::close, "stop-" + binary);
            Runtime.getRuntime().addShutdownHook(stopOnExit);
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
            process.destroyForcibly();
            waitForExit();
        }
    }

    /** SIGTERM and wait. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            requestStop(process);
            waitForExit();
        }
    }

    /** Asks the server to stop; SIGTERM unless it has a better signal for a quick, clean stop. */
    protected void requestStop(Process running) {
        running.destroy();
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
        if (stopOnExit != null && Thread.currentThread() != stopOnExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook runs anyway, and stopping twice is harmless
            }
            stopOnExit = null;
        }
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
