package io.mockstagram.pipeline.latest;

/** The format of the Redis view; {@code VERSION} is what prelude.lua writes to the built marker. */
final class ViewFormat {

    static final String VERSION = "2";

    private ViewFormat() {
    }
}
