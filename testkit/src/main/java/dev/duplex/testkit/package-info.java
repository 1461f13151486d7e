/**
 * Test support shared by duplex's modules, with no dependency on any of them.
 *
 * <ul>
 *   <li>{@link dev.duplex.testkit.PeerProcess}: real WebSocket peers from {@code peers/} (Node's
 *       {@code ws}, Python's {@code websockets}) as child processes — echo servers with a control
 *       channel, and scripted clients that report events as JSON lines;
 *   <li>{@link dev.duplex.testkit.Browser}: headless Debian Chromium through Selenium;
 *   <li>{@link dev.duplex.testkit.Payloads} and {@link dev.duplex.testkit.Json}: the peers'
 *       deterministic payloads and their JSON output.
 * </ul>
 *
 * Missing tools fail the tests with install instructions unless {@code DUPLEX_SKIP_PEERS=1} or
 * {@code DUPLEX_SKIP_BROWSER=1} is set; see {@code docs/testing.md}.
 */
package dev.duplex.testkit;
