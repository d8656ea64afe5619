package io.mockstagram.bench.soak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** HTTP on loopback for the soak's probes, on one event loop of its own. */
final class SoakHttp implements AutoCloseable {

    /** A status and body; status 0 when nothing answered. */
    record Answer(int status, String body) {
        static final Answer NONE = new Answer(0, "");

        boolean ok() {
            return status == 200;
        }
    }

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    private final WebClient client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(32));

    Future<Answer> getAsync(int port, String path, Duration timeout) {
        return client.get(port, "127.0.0.1", path).timeout(timeout.toMillis()).send()
                .map(response -> new Answer(response.statusCode(), Optional.ofNullable(response.bodyAsString()).orElse("")))
                .otherwise(Answer.NONE);
    }

    Answer get(int port, String path, Duration timeout) {
        try {
            return getAsync(port, path, timeout).toCompletionStage().toCompletableFuture()
                    .get(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.NONE;
        } catch (Exception e) {
            return Answer.NONE;
        }
    }

    @Override
    public void close() {
        vertx.close();
    }
}
