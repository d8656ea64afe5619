package io.mockstagram.pipeline.latest;

/**
 * The view is missing or being rebuilt from PostgreSQL: what it holds may be partial, so it
 * answers nothing rather than a wrong average or rank.
 */
public final class ViewRebuildingException extends RuntimeException {

    public ViewRebuildingException() {
        super("the Redis view is being rebuilt from PostgreSQL", null, false, false);
    }
}
