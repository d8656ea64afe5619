package io.mockstagram.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster in the work directory, made with initdb and trusting local
 * connections. PostgreSQL refuses to run as root, so as root it runs as the {@code postgres}
 * user through setpriv, which replaces itself with the server (signals reach it directly),
 * and keeps its data in a directory of that user's, since the work directory's parents may
 * be closed to it.
 */
public final class PostgresServer extends LocalServer {

    private static final String INSTALL = "install it with: apt-get install postgresql";

    private final Path data;
    private final List<String> asUser;

    public PostgresServer(int port, Path workDir) {
        super("postgres", INSTALL, port, workDir);
        this.data = isRoot() ? dataOfPostgresUser() : workDir.resolve("data");
        this.asUser = isRoot() ? List.of(Binaries.find("setpriv", "install util-linux").toString(),
                "--reuid=postgres", "--regid=postgres", "--init-groups") : List.of();
    }

    public static PostgresServer startOnFreePort(Path workDir) {
        var server = new PostgresServer(FreePorts.next(), workDir);
        server.start();
        return server;
    }

    @Override
    protected List<String> command() {
        List<String> command = new ArrayList<>(asUser);
        command.add(binary("postgres").toString());
        command.addAll(List.of("-D", data.toString(), "-p", Integer.toString(port), "-k", data.getParent().toString(),
                "-c", "listen_addresses=127.0.0.1",
                // A demo's database: speed matters more than surviving a power cut.
                "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"));
        return command;
    }

    @Override
    protected List<String> arguments() {
        return List.of();
    }

    @Override
    protected void prepare() {
        if (Files.exists(data.resolve("PG_VERSION"))) {
            return;
        }
        try {
            Files.createDirectories(data);
            if (isRoot()) {
                run(List.of("chown", "-R", "postgres:postgres", data.getParent().toString()));
            }
            List<String> initdb = new ArrayList<>(asUser);
            initdb.addAll(List.of(binary("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8", "--no-sync"));
            run(initdb);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a PostgreSQL data directory in " + data, e);
        }
    }

    /** SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave. */
    @Override
    protected String stopSignal() {
        return "INT";
    }

    @Override
    protected boolean isUp() {
        return FreePorts.isListening(port);
    }

    @Override
    public String url() {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }

    private static Path dataOfPostgresUser() {
        try {
            return Files.createTempDirectory("mockstagram-postgres-").resolve("data");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for PostgreSQL", e);
        }
    }

    @Override
    public void close() {
        super.close();
        if (isRoot()) {
            deleteQuietly(data.getParent());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }

    private void run(List<String> command) throws IOException {
        Path log = workDir.resolve("initdb.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.get(0), e);
        }
    }

    /** Debian keeps the server binaries off PATH, under /usr/lib/postgresql/VERSION/bin. */
    private static Path binary(String name) {
        return Binaries.locate(name).or(() -> newestVersioned(name))
                .orElseThrow(() -> new IllegalStateException("cannot find '" + name + "'; " + INSTALL));
    }

    private static Optional<Path> newestVersioned(String name) {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin").resolve(name)).filter(Files::isExecutable)
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
