package io.mockstagram.dashboard;

import io.mockstagram.local.FreePorts;
import io.mockstagram.local.RoleProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser (Debian's headless Chromium) against a running {@code up}
 * cluster on a small range, with servers of its own that {@code up} removes when it stops.
 */
@Tag("e2e")
class DashboardBrowserTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private RoleProcess up;
    private ChromeDriver browser;
    private String base;

    @BeforeEach
    void start(@TempDir Path work) {
        assertThat(new File(CHROMIUM)).as("Chromium; bin/test installs it (apt-get install chromium chromium-driver)").exists();
        int port = FreePorts.next();
        up = RoleProcess.start("up", RoleProcess.LIGHT_JVM,
                List.of("--own-servers", "--producers", "4", "--influencers", "2000", "--interval", "3s", "--dashboard-port", Integer.toString(port),
                        "--namespace", "browser-" + port, "--work-dir", work.toString()),
                Map.of(), work.resolve("up.log"));
        base = "http://127.0.0.1:" + port + "/";
        await("the dashboard of up").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .failFast("up exited:\n" + work.resolve("up.log"), () -> !up.isAlive())
                .until(() -> FreePorts.isListening(port));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--window-size=1400,1000");
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER)).build(),
                options);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (up != null) {
            up.stop(30);
        }
    }

    private WebDriverWait waiting(Duration limit) {
        WebDriverWait wait = new WebDriverWait(browser, limit);
        wait.pollingEvery(Duration.ofMillis(200));
        wait.withMessage(() -> "\n" + up.output());
        // The page redraws the list on every event; an element found just before a redraw is gone.
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** The producers' numbers as listed, read in one script so that a redraw cannot split the read. */
    private List<Integer> numbers() {
        Object listed = browser.executeScript("return Array.from(document.querySelectorAll('[data-testid=producer-row]'))"
                + ".map(row => Number(row.dataset.number))");
        return ((List<?>) listed).stream().map(n -> ((Number) n).intValue()).sorted().toList();
    }

    @Test
    void theClusterViewFollowsAKillAndTheInfluencerViewDrawsCharts() {
        browser.get(base + "#cluster");
        waiting(Duration.ofSeconds(120)).until(page -> numbers().equals(List.of(1, 2, 3, 4)));

        waiting(Duration.ofSeconds(10)).until(page -> {
            WebElement victim = page.findElements(By.cssSelector("[data-testid=producer-row]")).get(1);
            victim.findElement(By.cssSelector("[data-testid=kill-button]")).click();
            return true;
        });

        // Nobody announces a kill -9: the nurse sees the lease (3 s) run out, and the page hears of
        // the renumbering as it happens. A second on top of the lease is for the browser to render.
        waiting(Duration.ofSeconds(3 + 1)).until(page -> numbers().equals(List.of(1, 2, 3)));

        browser.get(base + "#influencer/1000042");
        waiting(Duration.ofSeconds(60)).until(page -> {
            List<WebElement> chart = page.findElements(By.cssSelector("[data-testid=follower-chart]"));
            return !chart.isEmpty() && Integer.parseInt(chart.get(0).getAttribute("data-points")) > 1;
        });
    }
}
