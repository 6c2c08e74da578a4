package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.Router;
import dev.gantry.config.Settings;
import dev.gantry.local.ApiTransports.Answer;
import dev.gantry.local.ApiTransports.Call;
import dev.gantry.local.ApiTransports.Transport;
import dev.gantry.pipeline.StageListener;
import dev.gantry.push.PushRules;
import dev.gantry.push.WebhookSecrets;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web view of {@code gantry serve} in a real browser: Debian's headless Chromium driven through
 * its chromedriver (Selenium), on DynamoDB Local and s3proxy with the offline model. Each page
 * visited leaves a screenshot in {@code target/screenshots}. Skipped, saying why, where
 * {@value #CHROMEDRIVER} is not installed ({@code .ci/run} installs it).
 */
class WebViewIT {
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final String CHROMIUM = "/usr/bin/chromium";
  static final Path SCREENSHOTS = Path.of("target", "screenshots");
  static final String TOKEN = "web-view-token-" + UUID.randomUUID();
  static final String CALLER = "local:web-tester";

  @TempDir static Path data;
  @TempDir static Path profile;
  static LocalGantry gantry;
  static LocalApiServer server;
  static Transport api;
  static WebDriver browser;
  static String toApprove;
  static String toReject;

  @BeforeAll
  static void start() {
    // a scratch folder of its own: snapshots other test runs on this machine extract and evict are not its concern
    gantry = new LocalGantry(Settings.fromEnvironment(Map.of("GANTRY_REPOSITORY_ROOTS", HttpApiIT.REPOSITORY + "," + data,
        "GANTRY_HOME", data.toString(), "GANTRY_SCRATCH_DIR", data.resolve("scratch").toString())), data, AgentCatalog.load(HttpApiIT.REPOSITORY.resolve("agents")), StageListener.NONE);
    Router router = gantry.api(PushRules.none(), WebhookSecrets.of(null, null)).router();
    server = LocalApiServer.start(router, 0, TOKEN, CALLER);
    api = ApiTransports.serve(server, TOKEN, CALLER);
    toApprove = start("Serve a web view of sessions");
    toReject = start("Reject me in the web view");
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    server.close();
    gantry.close();
  }

  /** Headless Chromium, started once for the tests that need it; skips them where it is not installed. */
  static WebDriver browser() {
    assumeTrue(Files.isExecutable(Path.of(CHROMEDRIVER)) && Files.isExecutable(Path.of(CHROMIUM)),
        "the browser tests need Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
            + "): apt-get install -y chromium chromium-driver, as .ci/run does");
    if (browser == null) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM);
      // the closed network refuses Chromium's own connections: none of them is needed here
      options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
          "--window-size=1280,1800", "--user-data-dir=" + profile.toAbsolutePath());
      // the console, to see script errors and Content-Security-Policy violations
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
          .usingAnyFreePort().build();
      browser = new ChromeDriver(service, options);
    }
    return browser;
  }

  static WebDriverWait waiting(WebDriver driver) {
    return new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(50));
  }

  /** Starts a session; it runs while the browser starts and other tests go on. */
  static String start(String goal) {
    Answer started = api.send(Call.post("/sessions", HttpApiIT.startBody(goal, "gantry-web-" + UUID.randomUUID().toString()
        .substring(0, 8))));
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    return started.json().path("sessionId").asText();
  }

  /** Waits until a session started by {@link #start} awaits approval. */
  static JsonNode awaitingApproval(String id) {
    JsonNode waiting = HttpApiIT.awaitStatus(api, id, s -> !s.equals("RUNNING"));
    assertThat(waiting.path("status").asText()).as(waiting.path("failure").asText()).isEqualTo("AWAITING_APPROVAL");
    return waiting;
  }

  /** Keeps a picture of the whole page (up to 6000 pixels high) as {@code target/screenshots/<name>.png}. */
  static void screenshot(WebDriver driver, String name) throws IOException {
    JavascriptExecutor script = (JavascriptExecutor) driver;
    script.executeScript("window.scrollTo(0, 0)");
    long height = ((Number) script.executeScript("return document.documentElement.scrollHeight")).longValue();
    Dimension before = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(before.getWidth(), (int) Math.min(Math.max(height, 600), 6000)));
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  /**
   * Checks the page as the browser holds it: it parses without HTML errors, its ids are unique, and
   * every control a user can reach has an accessible name.
   */
  static void assertValidAndLabelled(WebDriver driver) {
    Parser parser = Parser.htmlParser().setTrackErrors(50);
    Document page = Jsoup.parse("<!DOCTYPE html>" + driver.getPageSource(), "", parser);
    assertThat(parser.getErrors()).as("HTML parse errors").isEmpty();
    assertThat(page.select("html").attr("lang")).isNotBlank();
    assertThat(page.title()).isNotBlank();
    Set<String> ids = new HashSet<>();
    for (Element e : page.select("[id]")) {
      assertThat(ids.add(e.id())).as("id '" + e.id() + "' is unique").isTrue();
    }
    List<String> unlabelled = new ArrayList<>();
    for (Element control : page.select("input:not([type=hidden]), select, textarea, button")) {
      boolean named = !control.attr("aria-label").isBlank()
          || (!control.attr("aria-labelledby").isBlank() && page.getElementById(control.attr("aria-labelledby")) != null)
          || (!control.id().isEmpty() && !page.select("label[for=" + control.id() + "]").text().isBlank())
          || control.closest("label") != null
          || (control.tagName().equals("button") && !control.text().isBlank());
      if (!named) {
        unlabelled.add(control.outerHtml());
      }
    }
    assertThat(unlabelled).as("controls without an accessible name").isEmpty();
  }

  /** No script error, refused request or Content-Security-Policy violation was logged since the last look. */
  static void assertQuietConsole(WebDriver driver) {
    assertThat(driver.manage().logs().get(LogType.BROWSER).getAll()).filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
        .extracting(LogEntry::getMessage).isEmpty();
  }

  @Test
  void the_pages_hold_no_data_and_send_strict_security_headers_and_rendering_needs_the_token() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> index = client.send(HttpRequest.newBuilder(server.uri().resolve("/")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> render = client.send(HttpRequest.newBuilder(server.uri().resolve(WebView.RENDER_PATH))
        .header("Content-Type", "text/markdown").POST(HttpRequest.BodyPublishers.ofString("# x")).build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> rendered = client.send(HttpRequest.newBuilder(server.uri().resolve(WebView.RENDER_PATH))
        .header("Content-Type", "text/markdown").header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("# Plan <b>bold</b>")).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> sessions = client.send(HttpRequest.newBuilder(server.uri().resolve("/sessions")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Security-Policy")).hasValue(WebView.CONTENT_SECURITY_POLICY);
    assertThat(index.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(index.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(index.body()).contains("<table id=\"sessions\">").doesNotContain("sessionId");
    assertThat(render.statusCode()).isEqualTo(401);
    assertThat(render.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(rendered.statusCode()).isEqualTo(200);
    assertThat(rendered.body()).isEqualTo("<h1>Plan &lt;b&gt;bold&lt;/b&gt;</h1>\n");
    assertThat(sessions.statusCode()).as("the API keeps its authentication").isEqualTo(401);
  }

  @Test
  void a_user_signs_in_once_finds_the_session_checks_its_documents_and_approves_the_digests_shown() throws Exception {
    WebDriver driver = browser();
    String id = toApprove;
    JsonNode waiting = awaitingApproval(id);
    WebDriverWait wait = waiting(driver);

    // GIVEN the sessions page, which asks for the token once
    driver.get(server.uri().resolve("/").toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(TOKEN);
    driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
    WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-session='" + id + "']")));

    assertThat(row.getText()).contains("Serve a web view of sessions", "awaiting approval", "deliver",
        waiting.path("repository").path("commit").asText().substring(0, 12), "$0.00");
    assertThat(driver.getCurrentUrl()).doesNotContain(TOKEN);
    assertThat(((JavascriptExecutor) driver).executeScript("return sessionStorage.getItem('gantry.token')")).isEqualTo(TOKEN);
    assertValidAndLabelled(driver);
    assertQuietConsole(driver);
    screenshot(driver, "1-sessions");

    // the status filter asks the API for one status
    new Select(driver.findElement(By.id("status-filter"))).selectByValue("SUCCEEDED");
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-session='" + id + "']")));
    assertThat(driver.getCurrentUrl()).endsWith("/?status=SUCCEEDED");
    new Select(driver.findElement(By.id("status-filter"))).selectByValue("AWAITING_APPROVAL");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("tr[data-session='" + id + "']")));

    // WHEN the user opens the session: no second sign-in within the tab
    driver.findElement(By.cssSelector("tr[data-session='" + id + "'] a")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#stages li")));
    assertThat(driver.findElement(By.id("sign-in")).isDisplayed()).isFalse();
    assertThat(driver.findElements(By.cssSelector("#stages li")).stream().map(li -> li.getAttribute("data-stage")).toList())
        .containsExactly("checkout", "architect", "plan", "validate", "changeset", "approval");
    assertThat(driver.findElement(By.cssSelector("#stages li[data-stage=checkout]")).getText()).contains("succeeded", "1 attempt");
    assertThat(driver.findElement(By.cssSelector("#stages li[data-stage=approval]")).getText()).contains("waiting");
    assertThat(driver.findElement(By.id("risks")).getText()).contains("IAM_CHANGE", "CAPABILITIES");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chain"), "Chain verified"));
    assertThat(driver.findElement(By.id("audit")).getText()).contains("SessionCreated", CALLER);

    // THEN each document opened is checked against its recorded SHA-256 in the browser and rendered
    for (String name : List.of("architecture.md", "validation.json")) {
      WebElement panel = driver.findElement(By.cssSelector("details[data-document='" + name + "']"));
      panel.findElement(By.tagName("summary")).click();
      wait.until(ExpectedConditions.textToBePresentInElement(panel.findElement(By.className("check")), "SHA-256 verified"));
      String recorded = findDocument(waiting, name).path("sha256").asText();
      assertThat(panel.findElement(By.className("check")).getText()).endsWith(recorded);
    }
    WebElement markdown = driver.findElement(By.cssSelector("details[data-document='architecture.md'] .markdown"));
    assertThat(markdown.findElements(By.cssSelector("h1, h2"))).isNotEmpty();
    assertThat(driver.findElement(By.cssSelector("details[data-document='validation.json'] pre.json")).getText())
        .startsWith("{\n  \"");
    String shownDigest = driver.findElement(By.id("approval-digest")).getText();
    String shownChangeSet = driver.findElement(By.id("approval-change-set-digest")).getText();
    assertThat(shownDigest).isEqualTo(waiting.path("pendingApproval").path("digest").asText());
    assertThat(shownChangeSet).isEqualTo(waiting.path("pendingApproval").path("changeSet").path("sha256").asText());
    assertValidAndLabelled(driver);
    assertQuietConsole(driver);
    screenshot(driver, "2-session-awaiting-approval");

    // a rejection without a comment is stopped on the page, and nothing is decided
    driver.findElement(By.id("reject")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "A rejection needs a comment"));
    assertThat(api.send(Call.get("/sessions/" + id)).json().path("status").asText()).isEqualTo("AWAITING_APPROVAL");

    // the approval sends exactly the digests shown, and the page follows the session to its end
    driver.findElement(By.id("comment")).sendKeys("checked in the web view");
    driver.findElement(By.id("approve")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("overview"), "succeeded"));
    JsonNode done = api.send(Call.get("/sessions/" + id)).json();
    assertThat(done.path("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.path("decision").path("digest").asText()).isEqualTo(shownDigest);
    assertThat(done.path("decision").path("changeSetDigest").asText()).isEqualTo(shownChangeSet);
    assertThat(done.path("decision").path("actor").asText()).isEqualTo(CALLER);
    assertThat(done.path("decision").path("comment").asText()).isEqualTo("checked in the web view");
    assertThat(driver.findElement(By.id("approval")).isDisplayed()).isFalse();
    assertThat(driver.findElement(By.id("decision")).getText()).contains("approved", CALLER, "checked in the web view");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#stages li[data-stage=report]")));
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), "SessionSucceeded"));
    assertValidAndLabelled(driver);
    assertQuietConsole(driver);
    screenshot(driver, "3-session-approved");
  }

  static JsonNode findDocument(JsonNode session, String name) {
    for (JsonNode d : session.path("documents")) {
      if (d.path("name").asText().equals(name)) {
        return d;
      }
    }
    throw new AssertionError("no document " + name + " in " + session.path("documents"));
  }

  @Test
  void a_rejection_with_a_reason_ends_the_session_and_a_wrong_token_asks_again() throws Exception {
    WebDriver driver = browser();
    String id = toReject;
    awaitingApproval(id);
    WebDriverWait wait = waiting(driver);
    // a new tab: nothing kept from an earlier sign-in
    driver.get(server.uri().resolve("/").toString());
    ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
    driver.get(server.uri().resolve("/ui/session.html?id=" + id).toString());
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys("not-the-token");
    driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "The token was not accepted"));
    assertThat(driver.findElement(By.id("content")).isDisplayed()).isFalse();
    screenshot(driver, "4-sign-in-again");
    driver.findElement(By.id("token")).sendKeys(TOKEN);
    driver.findElement(By.cssSelector("#sign-in-form button[type=submit]")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("approval")));
    driver.findElement(By.id("comment")).sendKeys("the stack name is wrong");
    driver.findElement(By.id("reject")).click();

    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("overview"), "rejected"));
    JsonNode done = api.send(Call.get("/sessions/" + id)).json();
    assertThat(done.path("status").asText()).isEqualTo("REJECTED");
    assertThat(done.path("decision").path("comment").asText()).isEqualTo("the stack name is wrong");
    assertThat(driver.findElement(By.id("overview")).getText()).contains("rejected by " + CALLER + ": the stack name is wrong");
    screenshot(driver, "5-session-rejected");
  }
}
