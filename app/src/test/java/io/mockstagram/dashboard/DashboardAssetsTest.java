package io.mockstagram.dashboard;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages load everything from the jar, with no build step in between: every file they
 * name (the uPlot WebJar's too, whose version lives in the pom) must be on the classpath
 * where the dashboard's static routes look for it.
 */
class DashboardAssetsTest {

    private static final Pattern PAGE_REFERENCE = Pattern.compile("(?:src|href)=\"([^\"#:]+)\"");
    private static final Pattern MODULE_IMPORT = Pattern.compile("^import .* from '([^']+)';", Pattern.MULTILINE);

    @Test
    void everyFileThePageNamesIsServedFromTheJar() throws IOException {
        List<String> references = matches(PAGE_REFERENCE, read("dashboard/index.html"));

        assertThat(references).contains("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "js/main.js");
        for (String reference : references) {
            assertThat(resource(reference)).as(reference).isNotNull();
        }
    }

    @Test
    void everyModuleTheScriptsImportExists() throws IOException {
        List<String> pending = new ArrayList<>(List.of("js/main.js"));
        List<String> seen = new ArrayList<>();
        while (!pending.isEmpty()) {
            String module = pending.remove(0);
            if (seen.contains(module)) {
                continue;
            }
            seen.add(module);
            for (String imported : matches(MODULE_IMPORT, read("dashboard/" + module))) {
                String path = URI.create(module).resolve(imported).getPath();
                assertThat(resource(path)).as(imported + " imported by " + module).isNotNull();
                pending.add(path);
            }
        }
        assertThat(seen).contains("js/cluster.js", "js/influencer.js", "js/pipeline.js");
    }

    /** Where Dashboard's routes find a path: /webjars/* in the WebJars, the rest under dashboard/. */
    private static URL resource(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        String location = relative.startsWith("webjars/") ? "META-INF/resources/" + relative : "dashboard/" + relative;
        return DashboardAssetsTest.class.getClassLoader().getResource(location);
    }

    private static String read(String location) throws IOException {
        try (InputStream in = DashboardAssetsTest.class.getClassLoader().getResourceAsStream(location)) {
            assertThat(in).as(location).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
