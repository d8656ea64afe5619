package io.mockstagram.pipeline;

/** A pk that kept failing: what was tried and why it failed. Counted, and kept on the dead-letter stream. */
public record DeadLetter(int pk, long tick, int attempts, String error, long atMs) {
}
