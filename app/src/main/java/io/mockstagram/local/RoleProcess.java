package io.mockstagram.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Mockstagram role running as its own OS process, from the same class path as this
 * JVM, so that killing it is a real crash.
 */
public final class RoleProcess implements AutoCloseable {

    /**
     * Light JVM settings: the membership roles need little heap and should start fast. Metaspace
     * starts large enough for all their classes, so that loading the last of them never forces a
     * collection while they hold a lease.
     */
    public static final List<String> LIGHT_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx96m", "-Xss512k",
            "-XX:MetaspaceSize=64m");
    /** Fetchers, updaters and the dashboard: one GC thread, so that a collection never takes both cores. */
    public static final List<String> PIPELINE_JVM = List.of("-XX:+UseParallelGC", "-XX:ParallelGCThreads=1", "-Xmx256m");
    /** The mock API: a capped heap keeps its footprint near its table. */
    public static final List<String> API_JVM = List.of("-XX:+UseParallelGC", "-XX:ParallelGCThreads=1", "-Xms32m", "-Xmx192m");

    /** Names the process a role must not outlive; see {@link #stopWithParent()}. */
    public static final String PARENT_VARIABLE = "MOCKSTAGRAM_PARENT_PID";

    private final String role;
    private final Process process;
    private final Path log;

    private RoleProcess(String role, Process process, Path log) {
        this.role = role;
        this.process = process;
        this.log = log;
    }

    /** How the operating system should share the CPU with a role. */
    public enum Priority {
        /** Serves people or keeps leases: gets the CPU first. */
        INTERACTIVE,
        /** Throughput work (fetching, storing, the mock API): yields to the interactive roles
         * when the machine is busy, so that queries stay fast while the pipeline runs flat out. */
        BATCH;

        /** The priority {@code up} and the benchmarks give a role. */
        public static Priority of(String role) {
            return switch (role) {
                case "api", "fetcher", "updater" -> BATCH;
                default -> INTERACTIVE;
            };
        }
    }

    public static RoleProcess start(String role, List<String> jvmOptions, List<String> args, Map<String, String> env,
                                    Path log) {
        return start(role, jvmOptions, args, env, log, Priority.INTERACTIVE);
    }

    public static RoleProcess start(String role, List<String> jvmOptions, List<String> args, Map<String, String> env,
                                    Path log, Priority priority) {
        return start(role, jvmOptions, args, env, log, priority, List.of());
    }

    /**
     * As {@link #start(String, List, List, Map, Path, Priority)}, with the JVM run through
     * {@code launcher}, a command that execs the rest of its arguments (as {@code env} does),
     * so that the pid stays the role's.
     */
    public static RoleProcess start(String role, List<String> jvmOptions, List<String> args, Map<String, String> env,
                                    Path log, Priority priority, List<String> launcher) {
        List<String> command = new ArrayList<>();
        // In a session of its own, a role does not get the terminal's Ctrl-C: the process that
        // started it stops the roles in order. setsid and nice exec, so the pid stays the role's.
        Binaries.locate("setsid").ifPresent(setsid -> command.add(setsid.toString()));
        if (priority == Priority.BATCH) {
            Binaries.locate("nice").ifPresent(nice -> command.addAll(List.of(nice.toString(), "-n", "10")));
        }
        command.addAll(launcher);
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.mockstagram.cli.Main");
        command.add(role);
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            var builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            builder.environment().put(PARENT_VARIABLE, Long.toString(ProcessHandle.current().pid()));
            return new RoleProcess(role, builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + role, e);
        }
    }

    /**
     * In a role started by {@link #start}: exits, gracefully, as soon as the process that
     * started it is gone, even if that one was killed with -9 and could not stop its children.
     */
    public static void stopWithParent() {
        String parent = System.getenv(PARENT_VARIABLE);
        if (parent == null) {
            return;
        }
        ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                handle -> handle.onExit().thenRun(() -> System.exit(0)),
                () -> System.exit(0));
    }

    public String role() {
        return role;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(5);
    }

    /** SIGTERM, without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** SIGTERM, then wait up to {@code seconds} before killing. Returns the exit status. */
    public int stop(int seconds) {
        process.destroy();
        return awaitExit(seconds);
    }

    public void pause() {
        Signals.send(process.pid(), "STOP");
    }

    public void resume() {
        Signals.send(process.pid(), "CONT");
    }

    public int awaitExit(int seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit(5);
        }
    }
}
