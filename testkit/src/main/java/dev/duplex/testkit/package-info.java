/**
 * Test support shared by duplex's modules, with no dependency on any of them.
 *
 * <ul>
 *   <li>{@link dev.duplex.testkit.PeerProcess}: real WebSocket peers from {@code peers/} (Node's
 *       {@code ws}, Python's {@code websockets}) as child processes — echo servers with a control
 *       channel, and scripted clients that report events as JSON lines;
 *   <li>{@link dev.duplex.testkit.Browser}: headless Debian Chromium through Selenium;
 *   <li>{@link dev.duplex.testkit.RedisServer} and {@link dev.duplex.testkit.RedisCluster}: real
 *       {@code redis-server} processes (a primary, a replica, a Sentinel, a Redis Cluster) on free ports;
 *   <li>{@link dev.duplex.testkit.Payloads} and {@link dev.duplex.testkit.Json}: the peers'
 *       deterministic payloads and their JSON output;
 *   <li>{@link dev.duplex.testkit.Peer} and {@link dev.duplex.testkit.MissingPeerReport}: a test
 *       whose peer is missing is skipped (or failed, with {@code DUPLEX_REQUIRE_PEERS=1}), and
 *       the run ends with a count of what was skipped and how to install it.
 * </ul>
 *
 * See {@code docs/testing.md}.
 */
package dev.duplex.testkit;
