package io.mockstagram.infra;

/** A started role, as the command that started it sees it: wait for it to stop, or stop it. */
public interface RunningRole extends AutoCloseable {

    /** Blocks until the role has stopped. */
    void awaitStop() throws InterruptedException;

    /** Stops the role the way a SIGTERM should: gracefully, letting go of what it holds. */
    @Override
    void close();

    /**
     * Serves until the process is told to stop (SIGTERM, Ctrl-C), stopping the role on the way
     * out. Returns the command's exit status.
     */
    static int runUntilStopped(RunningRole role) throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(new Thread(role::close, "role-shutdown"));
        role.awaitStop();
        return 0;
    }
}
