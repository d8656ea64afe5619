package io.mockstagram.infra;

/** Where a role reports a failure it cannot go on from: it turns not-ready and exits. */
@FunctionalInterface
public interface FatalFailure {

    /** The exit status of a role that failed fatally (EX_SOFTWARE). */
    int EXIT_STATUS = 70;

    void failFatally(String reason, Throwable cause);
}
