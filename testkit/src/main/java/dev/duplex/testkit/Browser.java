package dev.duplex.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium for end-to-end tests, driven through Selenium with Debian's own {@code
 * /usr/bin/chromedriver} and {@code /usr/bin/chromium} (packages {@code chromium} and {@code
 * chromium-driver}). Both paths are given to Selenium explicitly and Selenium Manager is put in
 * offline mode, so nothing is ever downloaded.
 *
 * <p>Each instance is its own browser with a fresh temporary profile ({@code --user-data-dir}),
 * deleted by {@link #close()}. It runs with {@code --headless=new --no-sandbox --disable-gpu
 * --disable-background-networking --no-first-run --disable-component-update --disable-sync
 * --disable-dev-shm-usage}; {@link #startIgnoringCertificateErrors()} adds {@code
 * --ignore-certificate-errors} for wss tests against a self-signed certificate.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start()) {
 *   browser.open("http://127.0.0.1:" + port + "/");
 *   browser.waitFor("document.getElementById('out').textContent === 'hello'", Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p><b>Missing browser:</b> when {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is
 * missing, {@link #start()} skips the test ({@link Peer#CHROMIUM}, see {@link
 * Peer#unavailable(String)}), or fails it when {@code DUPLEX_REQUIRE_PEERS=1}. The environment
 * variables {@code DUPLEX_CHROMIUM} and {@code DUPLEX_CHROMEDRIVER} may name other executables.
 *
 * <p>Failed waits take a screenshot to {@code target/screenshots/} and put the browser console in
 * the failure message; chromedriver's own log goes to {@code target/chromedriver-N.log}.
 */
public final class Browser implements AutoCloseable {

  /** Chromium: {@code DUPLEX_CHROMIUM} if set, else Debian's {@code /usr/bin/chromium}. */
  public static final Path CHROMIUM = executable("DUPLEX_CHROMIUM", "/usr/bin/chromium");

  /**
   * chromedriver matching {@link #CHROMIUM}: {@code DUPLEX_CHROMEDRIVER} if set, else Debian's
   * {@code /usr/bin/chromedriver}.
   */
  public static final Path CHROMEDRIVER =
      executable("DUPLEX_CHROMEDRIVER", "/usr/bin/chromedriver");

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private final ChromeDriverService service;
  private final ChromeDriver driver;
  private final Path profile;
  private final List<String> console = new ArrayList<>();

  static {
    // Selenium passes SE_* system properties on to Selenium Manager: never go online.
    System.setProperty("SE_OFFLINE", "true");
    System.setProperty("SE_AVOID_STATS", "true");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
  }

  private Browser(boolean ignoreCertificateErrors) {
    int n = COUNTER.incrementAndGet();
    try {
      this.profile = Files.createTempDirectory("duplex-chromium-");
      Path target = Paths.get("target").toAbsolutePath();
      Files.createDirectories(target);
      this.service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .withLogFile(target.resolve("chromedriver-" + n + ".log").toFile())
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,800",
        "--user-data-dir=" + profile);
    if (ignoreCertificateErrors) {
      options.addArguments("--ignore-certificate-errors");
      options.setAcceptInsecureCerts(true);
    }
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
    try {
      this.driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      service.stop();
      deleteTree(profile);
      throw new AssertionError(
          "could not start Chromium through chromedriver (see target/chromedriver-" + n + ".log)", e);
    }
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  /** Starts a headless Chromium that rejects invalid certificates. */
  public static Browser start() {
    return start(false);
  }

  /** Starts a headless Chromium that accepts any certificate (for wss tests with a self-signed one). */
  public static Browser startIgnoringCertificateErrors() {
    return start(true);
  }

  private static Browser start(boolean ignoreCertificateErrors) {
    requireBrowser();
    return new Browser(ignoreCertificateErrors);
  }

  /**
   * Skips (or, with {@code DUPLEX_REQUIRE_PEERS=1}, fails) the current test unless Chromium and
   * chromedriver are installed; see {@link Peer#unavailable(String)}.
   */
  public static void requireBrowser() {
    for (Path exe : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(exe)) {
        Peer.CHROMIUM.unavailable(exe + " is not there");
      }
    }
  }

  private static Path executable(String env, String otherwise) {
    String value = System.getenv(env);
    return Paths.get(value != null && !value.isBlank() ? value : otherwise);
  }

  /** The Selenium driver, for anything the helpers here do not cover. */
  public WebDriver driver() {
    return driver;
  }

  /** Loads {@code url} and waits for the page's load event. */
  public void open(String url) {
    driver.get(url);
  }

  /** Loads {@code url} and waits for the page's load event. */
  public void open(URI url) {
    open(url.toString());
  }

  /**
   * Runs JavaScript in the page as the body of a function ({@code arguments[i]} are the {@code
   * args}) and returns what it returns, converted by Selenium (numbers become Long or Double,
   * objects Maps, arrays Lists).
   */
  public Object run(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /**
   * Waits until the JavaScript expression is truthy, checking it in the page every 20 ms, and
   * returns its value.
   *
   * @throws AssertionError if it is not truthy within {@code timeout}; the message has the
   *     console log and the path of a screenshot taken at that moment
   */
  public Object waitFor(String jsExpression, Duration timeout) {
    String script =
        "const done = arguments[arguments.length - 1];\n"
            + "const deadline = Date.now() + arguments[0];\n"
            + "const check = () => {\n"
            + "  let v;\n"
            + "  try { v = (" + jsExpression + "\n); } catch (e) { v = undefined; }\n"
            + "  if (v) { done({ok: true, value: v}); }\n"
            + "  else if (Date.now() >= deadline) { done({ok: false}); }\n"
            + "  else { setTimeout(check, 20); }\n"
            + "};\n"
            + "check();";
    driver.manage().timeouts().scriptTimeout(timeout.plusSeconds(10));
    Object result;
    try {
      result = ((JavascriptExecutor) driver).executeAsyncScript(script, timeout.toMillis());
    } catch (WebDriverException e) {
      throw new AssertionError(failure("waiting for `" + jsExpression + "` failed"), e);
    }
    if (result instanceof Map && Boolean.TRUE.equals(((Map<?, ?>) result).get("ok"))) {
      return ((Map<?, ?>) result).get("value");
    }
    throw new AssertionError(failure("`" + jsExpression + "` not true within " + timeout));
  }

  private String failure(String problem) {
    String shot;
    try {
      shot = screenshot("failure-" + System.currentTimeMillis()).toString();
    } catch (RuntimeException e) {
      shot = "(no screenshot: " + e + ")";
    }
    return problem + "\n  url: " + safeUrl() + "\n  screenshot: " + shot + "\n  console:\n"
        + String.join("\n", consoleLog()).indent(4);
  }

  private String safeUrl() {
    try {
      return driver.getCurrentUrl();
    } catch (RuntimeException e) {
      return "(unknown: " + e.getMessage() + ")";
    }
  }

  /**
   * Everything the pages wrote to the browser console so far in this browser, one entry per line
   * as {@code LEVEL message}.
   */
  public List<String> consoleLog() {
    try {
      for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
        console.add(e.getLevel() + " " + e.getMessage());
      }
    } catch (WebDriverException e) {
      console.add("(console log unavailable: " + e.getMessage() + ")");
    }
    return List.copyOf(console);
  }

  /**
   * Saves a PNG of the viewport as {@code target/screenshots/<name>.png} (relative to the
   * module's directory) and returns its path.
   */
  public Path screenshot(String name) {
    try {
      Path dir = Paths.get("target", "screenshots").toAbsolutePath();
      Files.createDirectories(dir);
      Path file = dir.resolve(name.endsWith(".png") ? name : name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Quits the browser and chromedriver, ends any Chromium process of this instance that is left
   * (found by its private profile directory), and deletes the profile.
   */
  @Override
  public void close() {
    List<ProcessHandle> ours = ownProcesses();
    try {
      driver.quit();
    } catch (RuntimeException ignored) {
      // already gone
    } finally {
      service.stop();
    }
    for (ProcessHandle h : ours) {
      if (h.isAlive()) {
        h.destroy();
        try {
          h.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          h.destroyForcibly();
        }
      }
    }
    deleteTree(profile);
  }

  private List<ProcessHandle> ownProcesses() {
    String marker = "--user-data-dir=" + profile;
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.current()
        .descendants()
        .filter(h -> h.info().arguments().map(a -> List.of(a).contains(marker)).orElse(false))
        .forEach(found::add);
    return found;
  }

  private static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException | UncheckedIOException e) {
      // best effort: a file may vanish while Chromium shuts down
    }
  }
}
