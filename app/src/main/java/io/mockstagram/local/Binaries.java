package io.mockstagram.local;

import java.util.Optional;
import java.util.ArrayList;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds server binaries on PATH and in the usual system directories. */
public final class Binaries {

    private static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private Binaries() {
    }

    public static Path find(String name, String installHint) {
        return locate(name).orElseThrow(() -> new IllegalStateException(
                "cannot find '" + name + "' on PATH; " + installHint));
    }

    public static Optional<Path> locate(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        var dirs = new ArrayList<String>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(SYSTEM_DIRS);
        return dirs.stream().filter(d -> !d.isBlank()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst();
    }
}
