package dev.duplex.testkit;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Counts the tests skipped because a {@link Peer} is missing and says so at the end of the test run: a block on
 * standard output naming each missing peer, how many tests it skipped and the command that installs it, and the
 * same lines appended to {@code target/missing-peers/<module>.txt} under the repository root, which the build
 * prints together at its end.
 *
 * <p>Registered through {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}, so it runs in
 * every module that has testkit on its test class path. A container (a test class whose {@code @BeforeAll} needed
 * the peer) counts as all the tests it holds, which then never run; a parameterized test in it counts once.
 */
public final class MissingPeerReport implements TestExecutionListener {
  /** Where the per-module reports go, relative to the repository root. */
  public static final String REPORT_DIR = "target/missing-peers";

  private final Map<Peer, Integer> skipped = new EnumMap<>(Peer.class);
  private final PrintStream out;
  private final Path reportDir;
  private TestPlan plan;

  /** Called by the JUnit Platform launcher (service loader). */
  public MissingPeerReport() {
    this(System.out, null);
  }

  /** Reports to {@code out} and into {@code reportDir} (null: the repository root's {@value #REPORT_DIR}). */
  MissingPeerReport(PrintStream out, Path reportDir) {
    this.out = out;
    this.reportDir = reportDir;
  }

  /** The tests skipped so far in this run, per missing peer. */
  Map<Peer, Integer> skipped() {
    return Map.copyOf(skipped);
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
    skipped.clear();
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (result.getStatus() != TestExecutionResult.Status.ABORTED) {
      return;
    }
    Throwable t = result.getThrowable().orElse(null);
    if (!(t instanceof MissingPeerException missing)) {
      return;
    }
    // Leaves, not tests: a parameterized test has no invocations yet when its class is skipped.
    int tests =
        id.isTest()
            ? 1
            : (int) plan.getDescendants(id).stream().filter(d -> plan.getChildren(d).isEmpty()).count();
    skipped.merge(missing.peer(), Math.max(tests, 1), Integer::sum);
  }

  @Override
  public void testPlanExecutionFinished(TestPlan testPlan) {
    if (skipped.isEmpty()) {
      return;
    }
    String module = Paths.get(System.getProperty("user.dir")).getFileName().toString();
    StringBuilder lines = new StringBuilder();
    skipped.forEach((peer, n) -> lines.append(String.format("  %-9s %-38s %3d test%s skipped; install: %s%n",
        module, peer.title(), n, n == 1 ? " " : "s", peer.install())));
    out.print(String.format("%n[missing peers] %s: tests that need a missing peer were SKIPPED "
        + "(set %s=1 to fail them instead):%n%s%n", module, Peer.REQUIRE_ENV, lines));
    out.flush();
    try {
      Path dir = reportDir != null ? reportDir : PeerProcess.repoRoot().resolve(REPORT_DIR);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(module + ".txt"), lines, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException | RuntimeException e) {
      out.println("[missing peers] could not write the report under " + REPORT_DIR + ": " + e);
    }
  }
}
