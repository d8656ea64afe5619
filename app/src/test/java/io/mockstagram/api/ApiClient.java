package io.mockstagram.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.concurrent.TimeUnit;

/** Calls an API on localhost the way a fetcher would, blocking only where a test needs the answer. */
final class ApiClient implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final WebClient client;

    ApiClient(int port) {
        this.client = WebClient.create(vertx,
                new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(64));
    }

    HttpResponse<Buffer> get(String path) {
        return await(getAsync(path));
    }

    Future<HttpResponse<Buffer>> getAsync(String path) {
        return client.get(path).send();
    }

    HttpResponse<Buffer> post(String path, String body) {
        return await(postAsync(path, body));
    }

    Future<HttpResponse<Buffer>> postAsync(String path, String body) {
        return client.post(path).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
    }

    static JsonObject json(HttpResponse<Buffer> response) {
        return new JsonObject(response.body());
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("no answer: " + e, e);
        }
    }

    @Override
    public void close() {
        client.close();
        await(vertx.close());
    }
}
