package io.mockstagram.bench.soak;

import io.mockstagram.local.RoleProcess;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One role of the soak cluster on a fixed port, which can be killed, paused, stopped and started
 * again as a new process in the same place, the way a supervisor would restart it.
 */
final class RoleSlot {

    private final String name;
    private final String kind;
    private final List<String> jvm;
    private final List<String> args;
    private final int port;
    private final Map<String, String> env;
    private final Path log;
    private RoleProcess process;
    private boolean paused;

    RoleSlot(String name, String kind, List<String> jvm, List<String> args, int port, Map<String, String> env, Path logs) {
        this.name = name;
        this.kind = kind;
        this.jvm = jvm;
        this.args = args;
        this.port = port;
        this.env = env;
        this.log = logs.resolve(name + ".log");
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    synchronized RoleSlot start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        List<String> all = new ArrayList<>(args);
        all.add("--http-port");
        all.add(Integer.toString(port));
        process = RoleProcess.start(kind, jvm, all, env, log, RoleProcess.Priority.of(kind));
        paused = false;
        return this;
    }

    /** Running and not paused: a process that should answer. */
    synchronized boolean isLive() {
        return process != null && process.isAlive() && !paused;
    }

    synchronized void kill() {
        if (process != null) {
            if (paused) {
                process.resume();
            }
            process.kill();
            paused = false;
        }
    }

    /** SIGTERM, and wait for a clean exit (killed after 15 s). */
    synchronized void stop() {
        if (process != null && process.isAlive()) {
            if (paused) {
                process.resume();
                paused = false;
            }
            process.stop(15);
        }
    }

    synchronized void pause() {
        process.pause();
        paused = true;
    }

    synchronized void resume() {
        process.resume();
        paused = false;
    }

    synchronized long pid() {
        return process == null ? -1 : process.pid();
    }
}
