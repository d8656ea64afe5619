package io.mockstagram.dashboard;

import io.mockstagram.infra.HttpJson;
import io.mockstagram.pipeline.deadletters.DeadLetterStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.OptionalLong;

/**
 * {@code GET /api/deadletters?limit=&after=}: what the pipeline gave up on, newest first, a
 * page at a time. {@code after} is the {@code next} of the page before; one read through
 * the table's sequence index, however many there are.
 */
final class DeadLetterRoutes {

    static final int DEFAULT_LIMIT = 50;

    /** The body: a page, and the cursor of the next one (null after the last). */
    record Answer(List<DeadLetterStore.Entry> deadLetters, String next) {
    }

    private final DeadLetterStore store;

    DeadLetterRoutes(DeadLetterStore store) {
        this.store = store;
    }

    void mount(Router router) {
        router.get("/api/deadletters").handler(this::list);
    }

    private void list(RoutingContext ctx) {
        int limit;
        OptionalLong after;
        try {
            limit = limit(ctx.queryParams().get("limit"));
            after = after(ctx.queryParams().get("after"));
        } catch (IllegalArgumentException e) {
            HttpJson.error(ctx, 400, e.getMessage());
            return;
        }
        ctx.vertx().executeBlocking(() -> store.page(limit, after), false).onComplete(outcome -> {
            if (outcome.failed()) {
                HttpJson.error(ctx, 503, "cannot read PostgreSQL: " + outcome.cause().getMessage());
            } else {
                var page = outcome.result();
                HttpJson.send(ctx, 200, new Answer(page.entries(), page.next() == null ? null : page.next().toString()));
            }
        });
    }

    private static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= DeadLetterStore.MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + DeadLetterStore.MAX_PAGE
                + ", not '" + clip(text) + "'");
    }

    private static OptionalLong after(String text) {
        if (text == null || text.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long after = Long.parseLong(text);
            if (after > 0) {
                return OptionalLong.of(after);
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new IllegalArgumentException("after must be the 'next' of a previous page, not '" + clip(text) + "'");
    }

    private static String clip(String text) {
        return text.length() > 32 ? text.substring(0, 32) + "..." : text;
    }
}
