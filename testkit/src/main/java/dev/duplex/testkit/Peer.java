package dev.duplex.testkit;

import java.util.Locale;

/**
 * A real third-party program some tests run against, which a machine with only a JDK does not have.
 *
 * <p>When one is missing, {@link #unavailable(String)} <b>skips</b> the test (a JUnit assumption abort, a
 * {@link MissingPeerException} whose message names the peer and the command that installs it), and {@link
 * MissingPeerReport} prints at the end of the module's test run how many tests each missing peer skipped. With
 * the environment variable {@code DUPLEX_REQUIRE_PEERS=1} (or the system property {@code
 * -Dduplex.requirePeers=true}) a missing peer <b>fails</b> the test instead; CI ({@code .ci/run}) sets it, so that
 * nothing is silently skipped there.
 */
public enum Peer {
  /** Debian's headless Chromium and its chromedriver, driven by {@link Browser}. */
  CHROMIUM("Chromium + chromedriver", "apt-get install chromium chromium-driver"),
  /** Node.js with the {@code ws} library installed under {@code peers/node/node_modules}. */
  NODE_WS("Node.js ws (peers/node/node_modules)", "npm ci --prefix peers/node"),
  /** Python 3 with the {@code websockets} library. */
  PYTHON_WEBSOCKETS("Python 3 websockets", "apt-get install python3-websockets"),
  /** Debian's {@code redis-server}, started by the hub's cluster tests on a free port. */
  REDIS("redis-server (/usr/bin/redis-server)", "apt-get install redis-server"),
  /** Debian's {@code nginx}, run by app's load balancer test with the config from docs/cluster.md. */
  NGINX("nginx (/usr/sbin/nginx)", "apt-get install nginx"),
  /** Debian's {@code haproxy}, run by app's load balancer test with the config from docs/cluster.md. */
  HAPROXY("HAProxy (/usr/sbin/haproxy)", "apt-get install haproxy");

  /** The environment variable that turns a missing peer into a failure ({@code 1} or {@code true}). */
  public static final String REQUIRE_ENV = "DUPLEX_REQUIRE_PEERS";

  /** The system property that turns a missing peer into a failure ({@code true} or {@code 1}). */
  public static final String REQUIRE_PROPERTY = "duplex.requirePeers";

  private final String title;
  private final String install;

  Peer(String title, String install) {
    this.title = title;
    this.install = install;
  }

  /** What is missing, for people: e.g. {@code "Python 3 websockets"}. */
  public String title() {
    return title;
  }

  /** The command that installs it, run at the repository root (Debian or Ubuntu). */
  public String install() {
    return install;
  }

  /** Whether a missing peer fails the test ({@value #REQUIRE_ENV}{@code =1}) instead of skipping it. */
  public static boolean required() {
    return required(System.getenv(REQUIRE_ENV), System.getProperty(REQUIRE_PROPERTY));
  }

  static boolean required(String env, String property) {
    return isOn(env) || isOn(property);
  }

  private static boolean isOn(String value) {
    if (value == null) {
      return false;
    }
    String v = value.strip().toLowerCase(Locale.ROOT);
    return v.equals("1") || v.equals("true") || v.equals("yes");
  }

  /**
   * Ends the current test because this peer is missing: skips it (throws {@link MissingPeerException}), or, when
   * {@link #required()}, fails it (throws {@link AssertionError}). Never returns normally.
   *
   * @param problem what exactly was not found, e.g. {@code "/usr/bin/chromium is missing"}
   */
  public void unavailable(String problem) {
    unavailable(problem, required());
  }

  void unavailable(String problem, boolean required) {
    String message = title + " is missing (" + problem + "); install it with '" + install + "' (or run 'bash .ci/run')";
    if (required) {
      throw new AssertionError(message + ". Missing peers fail the tests because " + REQUIRE_ENV + "=1 or -D"
          + REQUIRE_PROPERTY + "=true is set.");
    }
    throw new MissingPeerException(this, "SKIPPED: " + message + ". Set " + REQUIRE_ENV
        + "=1 to make a missing peer fail the tests instead.");
  }
}
