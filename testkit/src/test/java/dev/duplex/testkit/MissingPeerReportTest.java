package dev.duplex.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** A missing peer skips (or, when required, fails) a test, and the report counts what it skipped. */
class MissingPeerReportTest {

  @Test
  void missingPeerSkipsByDefaultNamingThePeerAndItsInstallCommand() {
    MissingPeerException e =
        assertThrows(
            MissingPeerException.class, () -> Peer.NODE_WS.unavailable("no node_modules", false));
    assertEquals(Peer.NODE_WS, e.peer());
    assertTrue(e.getMessage().startsWith("SKIPPED: Node.js ws"), e.getMessage());
    assertTrue(e.getMessage().contains("no node_modules"), e.getMessage());
    assertTrue(e.getMessage().contains("'npm ci --prefix peers/node'"), e.getMessage());
  }

  @Test
  void requiredPeerFailsTheTestInstead() {
    AssertionError e =
        assertThrows(
            AssertionError.class, () -> Peer.CHROMIUM.unavailable("/usr/bin/chromium is not there", true));
    assertEquals(AssertionError.class, e.getClass());
    assertTrue(e.getMessage().contains("apt-get install chromium chromium-driver"), e.getMessage());
    assertTrue(e.getMessage().contains(Peer.REQUIRE_ENV), e.getMessage());
  }

  @Test
  void theSwitchIsTheEnvironmentVariableOrTheSystemProperty() {
    assertFalse(Peer.required(null, null));
    assertFalse(Peer.required("0", "false"));
    assertTrue(Peer.required("1", null));
    assertTrue(Peer.required(null, "true"));
    assertTrue(Peer.required(" TRUE ", null));
  }

  /** Run by the launcher below only (a static nested class is not picked up by Surefire). */
  static class NeedsPython {
    @BeforeAll
    static void python() {
      Peer.PYTHON_WEBSOCKETS.unavailable("test", false);
    }

    @Test
    void one() {}

    @Test
    void two() {}

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2})
    void counted(int n) {}
  }

  /** Run by the launcher below only. */
  static class NeedsBrowserOnce {
    @Test
    void browser() {
      Peer.CHROMIUM.unavailable("test", false);
    }

    @Test
    void otherSkip() {
      org.junit.jupiter.api.Assumptions.abort("not about peers");
    }

    @Test
    void runs() {}
  }

  @Test
  void countsSkippedTestsPerPeerAndWritesTheModuleReport(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    MissingPeerReport report =
        new MissingPeerReport(new PrintStream(printed, true, StandardCharsets.UTF_8), dir);
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    Launcher launcher =
        LauncherFactory.create(
            LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(report, summary)
                .build());
    launcher.execute(
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(NeedsPython.class), selectClass(NeedsBrowserOnce.class))
            .build());

    assertEquals(Map.of(Peer.PYTHON_WEBSOCKETS, 3, Peer.CHROMIUM, 1), report.skipped());
    assertEquals(0, summary.getSummary().getTotalFailureCount());
    assertEquals(1, summary.getSummary().getTestsSucceededCount());
    String out = printed.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("SKIPPED"), out);
    assertTrue(out.matches("(?s).*Python 3 websockets\\s+3 tests skipped; install: apt-get install python3-websockets.*"), out);
    assertTrue(out.matches("(?s).*Chromium \\+ chromedriver\\s+1 test  skipped; install: apt-get install chromium chromium-driver.*"), out);
    String file = Files.readString(dir.resolve("testkit.txt"));
    assertTrue(file.contains("python3-websockets") && file.contains("chromium-driver"), file);
  }
}
