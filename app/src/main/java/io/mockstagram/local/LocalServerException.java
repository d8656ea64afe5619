package io.mockstagram.local;

/** A server this machine was to run could not be started; the message says which, and how to install it. */
public final class LocalServerException extends RuntimeException {

    public LocalServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
