package dev.duplex.testkit;

import org.opentest4j.TestAbortedException;

/**
 * The test was skipped because a {@link Peer} is missing. A JUnit assumption abort (Surefire counts the test as
 * skipped) that {@link MissingPeerReport} recognises and counts.
 */
public final class MissingPeerException extends TestAbortedException {
  private static final long serialVersionUID = 1L;

  private final Peer peer;

  MissingPeerException(Peer peer, String message) {
    super(message);
    this.peer = peer;
  }

  /** The peer that is missing. */
  public Peer peer() {
    return peer;
  }
}
