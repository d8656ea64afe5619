package io.mockstagram.dashboard;

import io.lettuce.core.KeyScanArgs;
import io.lettuce.core.ScanIterator;
import io.mockstagram.config.DatabaseSettings;
import io.mockstagram.membership.MemberConfig;
import io.mockstagram.membership.partition.ModuloPartitioner;
import io.mockstagram.pipeline.deadletters.DeadLetter;
import io.mockstagram.pipeline.deadletters.DeadLetterStore;
import io.mockstagram.pipeline.deadletters.DeadLetters;
import io.mockstagram.pipeline.scheduling.Schedule;
import io.mockstagram.pipeline.stats.PipelineStats;
import io.mockstagram.testing.SharedServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.postgresql.ds.PGSimpleDataSource;

import java.io.File;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline page in a real browser (headless Chromium), against a dashboard on the
 * machine's servers with a namespace of its own: it lists the dead letters with their reason,
 * pages to older ones, and shows what full queues refused.
 */
@Tag("e2e")
class PipelinePageBrowserTest {

    @RegisterExtension
    final SharedServers servers = new SharedServers();

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Instant TICK = Instant.parse("2026-12-01T10:00:00Z");

    private final DatabaseSettings database = DatabaseSettings.resolve(null,
            Map.of("DATABASE_URL", System.getenv().getOrDefault("DATABASE_URL", "postgresql://127.0.0.1:5432/postgres")));
    private Dashboard dashboard;
    private ChromeDriver browser;
    private DeadLetters deadLetters;
    private PipelineStats stats;
    private PGSimpleDataSource dataSource;

    @BeforeEach
    void start() {
        assertThat(new File(CHROMIUM)).as("Chromium; bin/test installs it (apt-get install chromium chromium-driver)").exists();
        var schedule = Schedule.resolve(2000, "3s", null, Map.of());
        dashboard = Dashboard.start(new DashboardSettings(servers.clusterSettings(), database, "127.0.0.1", 0, schedule,
                MemberConfig.DEFAULT_LEASE, new ModuloPartitioner()), Optional.empty());
        dataSource = new PGSimpleDataSource();
        dataSource.setURL(database.jdbcUrl());
        dataSource.setUser(database.user());
        dataSource.setPassword(database.password());
        stats = new PipelineStats(servers.redis().async(), servers.namespace());
        deadLetters = new DeadLetters(new DeadLetterStore(dataSource, servers.namespace()), stats);
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build(),
                options);
    }

    @AfterEach
    void stop() throws SQLException {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        var redis = servers.redis().sync();
        List<String> keys = new ArrayList<>();
        ScanIterator.scan(redis, KeyScanArgs.Builder.matches(servers.namespace().name() + ":*")).forEachRemaining(keys::add);
        if (!keys.isEmpty()) {
            redis.del(keys.toArray(String[]::new));
        }
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS \"" + servers.namespace().databaseSchema() + "\" CASCADE");
        }
    }

    private WebDriverWait waiting(Duration limit) {
        WebDriverWait wait = new WebDriverWait(browser, limit);
        wait.pollingEvery(Duration.ofMillis(200));
        // The page redraws its lists on every push; an element found just before a redraw is gone.
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private List<String> listed() {
        return browser.findElements(By.cssSelector("[data-testid=dead-letter-row]")).stream().map(WebElement::getText).toList();
    }

    @Test
    void deadLettersAreListedNewestFirstWithTheirReasonAndOlderOnesOnRequest() throws Exception {
        browser.get("http://127.0.0.1:" + dashboard.httpPort() + "/#pipeline");
        waiting(Duration.ofSeconds(60)).until(page -> page.findElement(By.id("dead-letters-empty")).isDisplayed());

        // As fetchers record what they give up on: 25 pks, more than one page of 20.
        deadLetters.record(IntStream.range(0, 24).mapToObj(i -> new DeadLetter(1_000_100 + i, TICK, DeadLetter.Stage.FETCH,
                "not fetched: its interval had ended 31 s before", 0)).toList());
        deadLetters.record(List.of(new DeadLetter(1_000_042, TICK, DeadLetter.Stage.STORE,
                "not stored after 5 deliveries: ERROR: no partition", 5)));

        // The page reloads the list when the count pushed to it changes.
        waiting(Duration.ofSeconds(30)).until(page -> listed().size() == 20);
        assertThat(listed().get(0)).as("the newest first, with its reason").contains("1000042").contains("store")
                .contains("not stored after 5 deliveries: ERROR: no partition");
        assertThat(browser.findElement(By.cssSelector("[data-testid=dead-letters]")).getText()).isEqualTo("25");

        browser.findElement(By.cssSelector("[data-testid=dead-letters-more]")).click();
        waiting(Duration.ofSeconds(30)).until(page -> listed().size() == 25);
        assertThat(listed().get(24)).contains("1000100").contains("fetch").contains("its interval had ended 31 s before");
        assertThat(browser.findElement(By.cssSelector("[data-testid=dead-letters-more]")).isDisplayed()).isFalse();
    }

    @Test
    void batchesRefusedByAFullQueueAreShown() {
        browser.get("http://127.0.0.1:" + dashboard.httpPort() + "/#pipeline");
        waiting(Duration.ofSeconds(60)).until(page -> page.findElement(By.cssSelector("[data-testid=dropped]")).getText().equals("0"));

        stats.recordDrop("tasks").toCompletableFuture().join();
        stats.recordDrop("tasks").toCompletableFuture().join();
        stats.recordDrop("readings").toCompletableFuture().join();

        waiting(Duration.ofSeconds(30)).until(page -> page.findElement(By.cssSelector("[data-testid=dropped]")).getText().equals("3"));
        assertThat(browser.findElement(By.id("pl-dropped-note")).getText()).contains("2 task and 1 reading batches");
    }
}
