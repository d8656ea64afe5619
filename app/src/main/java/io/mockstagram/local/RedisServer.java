package io.mockstagram.local;

import java.nio.file.Path;
import java.util.List;

/** A throw-away redis-server that keeps nothing on disk: a restart brings it back empty. */
public final class RedisServer extends LocalServer {

    public RedisServer(int port, Path workDir) {
        super("redis-server", "install it with: apt-get install redis-server", port, workDir);
    }

    public static RedisServer startOnFreePort(Path workDir) {
        var server = new RedisServer(FreePorts.next(), workDir);
        server.start();
        return server;
    }

    @Override
    protected List<String> arguments() {
        return List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", workDir.toString(), "--protected-mode", "no");
    }

    @Override
    protected boolean isUp() {
        return FreePorts.isListening(port);
    }

    @Override
    public String url() {
        return "redis://127.0.0.1:" + port;
    }
}
