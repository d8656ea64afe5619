package io.mockstagram.pipeline.fetcher;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * The mock Instagram API as the fetchers see it: a third party, one request per pk, that
 * may be slow or fail. Keep-alive connections with HTTP/1.1 pipelining keep the cost per
 * call low, which is most of the pipeline's CPU budget.
 */
final class ApiClient implements AutoCloseable {

    /** Followers and following of one influencer at one moment. */
    record Counts(int followers, int following) {
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static final CharSequence SCHEDULED_AT = HttpHeaders.createOptimized("X-Scheduled-At");

    private final HttpClientAgent reads;
    private final HttpClientAgent verdicts;
    private final String host;
    private final int port;
    private final long timeoutMs;

    ApiClient(Vertx vertx, URI apiUrl, int connections, int pipelining, int verdictConnections, Duration timeout) {
        this.host = apiUrl.getHost();
        this.port = apiUrl.getPort() > 0 ? apiUrl.getPort() : 80;
        this.timeoutMs = timeout.toMillis();
        // Pipelining sends a connection's calls back to back and reads the answers in one go:
        // far fewer system calls per reading, which is where most of the fetching CPU goes.
        this.reads = client(vertx, connections, pipelining);
        // Verdicts take about a second each: on a pipelined connection they would hold up every
        // read queued behind them, so they get connections of their own.
        this.verdicts = client(vertx, Math.max(1, verdictConnections), 1);
    }

    private HttpClientAgent client(Vertx vertx, int connections, int pipelining) {
        return vertx.httpClientBuilder()
                .with(new HttpClientOptions()
                        .setKeepAlive(true)
                        .setPipelining(pipelining > 1)
                        .setPipeliningLimit(Math.max(1, pipelining))
                        .setConnectTimeout((int) timeoutMs)
                        .setTcpNoDelay(true))
                .with(new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1))
                .build();
    }

    /**
     * {@code scheduledAtMs}, the start of the tick the reading is for, rides along as a header:
     * the API ignores it unless asked to record what it served, which lets a soak check that
     * every reading served was stored.
     */
    Future<Counts> influencer(int pk, long scheduledAtMs) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port)
                .setURI("/api/v1/influencers/" + pk).setTimeout(timeoutMs)
                .putHeader(SCHEDULED_AT, Long.toString(scheduledAtMs));
        return reads.request(request)
                .compose(req -> req.send())
                .compose(response -> body(response, pk))
                .map(ApiClient::counts);
    }

    Future<Boolean> isSuspicious(int pk, Counts counts) {
        String json = "{\"pk\":" + pk + ",\"followerCount\":" + counts.followers()
                + ",\"followingCount\":" + counts.following() + "}";
        // The API takes about a second to decide; the timeout leaves room for its slow answers.
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port)
                .setURI("/api/v1/influencers/is_suspicious").setTimeout(timeoutMs + 5000)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        return verdicts.request(request)
                .compose(req -> req.send(json))
                .compose(response -> body(response, pk))
                .map(ApiClient::suspicious);
    }

    private static Future<Buffer> body(HttpClientResponse response, int pk) {
        int status = response.statusCode();
        if (status == 200) {
            return response.body();
        }
        // 4xx means the request itself is wrong (an unknown pk) and will stay wrong; 429 and 5xx may pass later.
        boolean retryable = status == 408 || status == 429 || status >= 500;
        return response.body().transform(ignored ->
                Future.failedFuture(new ApiFailure("HTTP " + status + " for pk " + pk, retryable)));
    }

    private static Counts counts(Buffer body) {
        int followers = -1;
        int following = -1;
        try (JsonParser parser = JSON.createParser(body.getBytes())) {
            while (parser.nextToken() != null) {
                if (parser.currentToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if ("followerCount".equals(field)) {
                        followers = parser.getIntValue();
                    } else if ("followingCount".equals(field)) {
                        following = parser.getIntValue();
                    }
                }
            }
        } catch (IOException e) {
            throw new ApiFailure("unreadable answer: " + e.getMessage(), true);
        }
        if (followers < 0 || following < 0) {
            throw new ApiFailure("answer without followerCount or followingCount", true);
        }
        return new Counts(followers, following);
    }

    private static Boolean suspicious(Buffer body) {
        try (JsonParser parser = JSON.createParser(body.getBytes())) {
            while (parser.nextToken() != null) {
                if (parser.currentToken() == JsonToken.FIELD_NAME && "suspicious".equals(parser.currentName())) {
                    parser.nextToken();
                    return parser.getBooleanValue();
                }
            }
        } catch (IOException e) {
            throw new ApiFailure("unreadable answer: " + e.getMessage(), true);
        }
        throw new ApiFailure("answer without suspicious", true);
    }

    @Override
    public void close() {
        reads.close();
        verdicts.close();
    }
}
