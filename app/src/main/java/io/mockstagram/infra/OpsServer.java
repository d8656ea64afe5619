package io.mockstagram.infra;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.mockstagram.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The HTTP endpoints every role serves: {@code /health/live}, {@code /health/ready},
 * {@code /metrics}, plus whatever routes the role adds.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);

    private static final Duration PRIME_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final HttpServer server;
    private final String host;

    private OpsServer(Vertx vertx, HttpServer server, String host) {
        this.vertx = vertx;
        this.server = server;
        this.host = host;
    }

    public static OpsServer start(Vertx vertx, String role, int port, PrometheusMeterRegistry registry,
                                  Readiness readiness, Consumer<Router> roleRoutes) {
        return start(vertx, role, "0.0.0.0", port, registry, readiness, roleRoutes);
    }

    /** Listens on {@code host} only: loopback keeps a server off the network. */
    public static OpsServer start(Vertx vertx, String role, String host, int port, PrometheusMeterRegistry registry,
                                  Readiness readiness, Consumer<Router> roleRoutes) {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> HttpJson.send(ctx, 200, Map.of("status", "UP")));
        router.get("/health/ready").handler(ctx -> {
            Readiness.Report report = readiness.report();
            HttpJson.send(ctx, report.isUp() ? 200 : 503, report);
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(registry.scrape()));
        roleRoutes.accept(router);
        router.route().last().handler(OpsServer::notFound);

        HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(port, host), "HTTP port " + port);
        log.atInfo().setMessage("serving HTTP").addKeyValue("role", role).addKeyValue("port", server.actualPort()).log();
        return new OpsServer(vertx, server, host);
    }

    public int port() {
        return server.actualPort();
    }

    /**
     * Answers one GET of {@code path} to itself, so that the first request from outside (a
     * probe, a poller) does not load the HTTP stack, about 100 ms of CPU in a new JVM, while
     * the role is busy with something that counts. A failure costs only that: it is logged.
     */
    public void prime(String path) {
        String target = "0.0.0.0".equals(host) ? "127.0.0.1" : host;
        HttpClientAgent client = vertx.createHttpClient();
        try {
            client.request(HttpMethod.GET, port(), target, path)
                    .compose(request -> request.send().compose(HttpClientResponse::body))
                    .toCompletionStage().toCompletableFuture().get(PRIME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("could not prime HTTP {}: {}", path, e.toString());
        } finally {
            client.close();
        }
    }

    private static void notFound(RoutingContext ctx) {
        HttpJson.error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path());
    }

    static <T> T await(Future<T> future, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new ConfigException("cannot open " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("cannot open " + what, e);
        }
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(Duration.ofSeconds(2).toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            log.debug("HTTP server did not close cleanly: {}", e.toString());
        }
    }
}
