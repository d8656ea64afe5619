package io.mockstagram.local;

import java.nio.file.Path;
import java.util.List;

/** A throw-away nats-server with JetStream, storing its streams under its work directory. */
public final class NatsServer extends LocalServer {

    public NatsServer(int port, Path workDir) {
        super("nats-server", "install it from https://github.com/nats-io/nats-server/releases or your package manager", port, workDir);
    }

    public static NatsServer startOnFreePort(Path workDir) {
        var server = new NatsServer(FreePorts.next(), workDir);
        server.start();
        return server;
    }

    @Override
    protected List<String> arguments() {
        return List.of("-a", "127.0.0.1", "-p", Integer.toString(port), "-js", "-sd", workDir.resolve("jetstream").toString());
    }

    @Override
    protected boolean isUp() {
        return FreePorts.isListening(port);
    }

    @Override
    public String url() {
        return "nats://127.0.0.1:" + port;
    }
}
