/**
 * The servers of the load comparison (bench/compare.sh): duplex and its peers (Netty 4.2, Jetty 12,
 * Java-WebSocket), each written idiomatically for its library, all serving the same endpoints with compression off:
 * <ul>
 *   <li>{@code /echo}: every message goes back to its sender, text as text, binary as binary;</li>
 *   <li>{@code /broadcast} and {@code /broadcast/<topic>}: every message goes to every client on the same path,
 *       the sender included.</li>
 * </ul>
 * Each server is a {@code main} ({@link dev.duplex.bench.servers.BenchServers} picks one by name in
 * {@code bench-servers.jar}) taking {@code --port N} and {@code --host H}, printing {@code LISTENING <port>} once
 * it accepts connections and stopping on SIGTERM. Bench-only code: nothing here ships in app.
 */
package dev.duplex.bench.servers;
