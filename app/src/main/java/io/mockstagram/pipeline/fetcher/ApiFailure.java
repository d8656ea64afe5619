package io.mockstagram.pipeline.fetcher;

/** A call to the mock API that did not give a reading; {@code retryable} when trying again may help. */
final class ApiFailure extends RuntimeException {

    private final boolean retryable;

    ApiFailure(String message, boolean retryable) {
        super(message, null, false, false);
        this.retryable = retryable;
    }

    boolean retryable() {
        return retryable;
    }
}
