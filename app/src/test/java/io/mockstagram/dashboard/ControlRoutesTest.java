package io.mockstagram.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local cluster's controls act only for the dashboard's own page: every forged request
 * (another site's page, a rebound host name, a form without the run's token) gets 403 and
 * changes nothing. Requests are written by hand, since HTTP clients will not forge a Host.
 */
class ControlRoutesTest {

    /** A cluster that only notes what it was asked to do. */
    static final class RecordingControl implements ClusterControl {
        final List<String> done = new ArrayList<>();

        @Override
        public synchronized String addProducer() {
            done.add("add");
            return "producer-9";
        }

        @Override
        public synchronized void stopProducer(String name) {
            done.add("stop " + name);
        }

        @Override
        public synchronized void killProducer(String name) {
            done.add("kill " + name);
        }

        @Override
        public synchronized List<String> producers() {
            return List.of("producer-1");
        }

        synchronized List<String> done() {
            return List.copyOf(done);
        }
    }

    record Answer(int status, String body) {
    }

    private static final Pattern TOKEN = Pattern.compile("\"token\":\"([^\"]+)\"");

    private final RecordingControl control = new RecordingControl();
    private Vertx vertx;
    private int port;
    private String self;
    private String token;

    @BeforeEach
    void serve() throws Exception {
        vertx = Vertx.vertx();
        var listening = new AtomicInteger();
        Router router = Router.router(vertx);
        new ControlRoutes(control, ControlGuard.withRandomToken(listening::get)).mount(router);
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        port = server.actualPort();
        listening.set(port);
        self = "127.0.0.1:" + port;

        Answer page = send("GET", "/api/control", headers("Host", self));
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        Matcher m = TOKEN.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        token = m.group(1);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void the_pages_own_requests_act() throws IOException {
        Answer add = send("POST", "/api/control/producers",
                headers("Host", self, "Origin", "http://" + self, ControlGuard.TOKEN_HEADER, token));
        Answer kill = send("POST", "/api/control/producers/producer-1/kill",
                headers("Host", self, "Origin", "http://" + self, ControlGuard.TOKEN_HEADER, token));
        // A same-origin fetch may leave Origin out; the token still proves where it came from.
        Answer stop = send("POST", "/api/control/producers/producer-2/stop",
                headers("Host", self, ControlGuard.TOKEN_HEADER, token));

        assertThat(List.of(add.status(), kill.status(), stop.status())).isEqualTo(List.of(200, 200, 200));
        assertThat(control.done()).containsExactly("add", "kill producer-1", "stop producer-2");
    }

    @Test
    void forged_requests_are_refused_and_change_nothing() throws IOException {
        String kill = "/api/control/producers/producer-1/kill";
        Map<String, Answer> answers = new LinkedHashMap<>();
        answers.put("another site's page", send("POST", kill,
                headers("Host", self, "Origin", "https://evil.example", ControlGuard.TOKEN_HEADER, token)));
        answers.put("an opaque origin (sandboxed frame, file)", send("POST", kill,
                headers("Host", self, "Origin", "null", ControlGuard.TOKEN_HEADER, token)));
        answers.put("a host name rebound to 127.0.0.1", send("POST", kill,
                headers("Host", "evil.example:" + port, "Origin", "http://evil.example:" + port,
                        ControlGuard.TOKEN_HEADER, token)));
        answers.put("another port of this machine", send("POST", kill,
                headers("Host", "127.0.0.1:" + (port + 1), ControlGuard.TOKEN_HEADER, token)));
        answers.put("no Host (HTTP/1.0)", send("POST", kill, headers(ControlGuard.TOKEN_HEADER, token), "HTTP/1.0"));
        answers.put("no token", send("POST", kill, headers("Host", self, "Origin", "http://" + self)));
        answers.put("a wrong token", send("POST", kill,
                headers("Host", self, "Origin", "http://" + self, ControlGuard.TOKEN_HEADER, token + "x")));
        answers.put("a cross-site form", send("POST", "/api/control/producers",
                headers("Host", self, "Origin", "https://evil.example", "Content-Type", "application/x-www-form-urlencoded")));
        answers.put("another site reading the token", send("GET", "/api/control",
                headers("Host", self, "Origin", "https://evil.example")));
        answers.put("a rebound host name reading the token", send("GET", "/api/control",
                headers("Host", "evil.example:" + port)));

        answers.forEach((forgery, answer) -> {
            assertThat(answer.status()).as("%s: %s", forgery, answer.body()).isEqualTo(403);
            assertThat(answer.body()).as(forgery).doesNotContain(token);
        });
        assertThat(control.done()).as("what the cluster was made to do").isEmpty();
    }

    private static Map<String, String> headers(String... pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    private Answer send(String method, String path, Map<String, String> headers) throws IOException {
        return send(method, path, headers, "HTTP/1.1");
    }

    private Answer send(String method, String path, Map<String, String> headers, String version) throws IOException {
        StringBuilder request = new StringBuilder(method + " " + path + " " + version + "\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int body = response.indexOf("\r\n\r\n");
            return new Answer(status, body < 0 ? "" : response.substring(body + 4));
        }
    }
}
