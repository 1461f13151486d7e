package dev.duplex.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster of {@link RedisServer}s on 127.0.0.1 (primaries only, no replicas), created with
 * {@code redis-cli --cluster create}; {@link #start} returns once every node says {@code cluster_state:ok}.
 * Without redis-server or redis-cli the test is skipped, or fails if {@code DUPLEX_REQUIRE_PEERS=1}. Not
 * thread-safe.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Path CLI = Path.of("/usr/bin/redis-cli");
    private static final Duration READY = Duration.ofSeconds(20);

    private final List<RedisServer> nodes = new ArrayList<>();

    private RedisCluster() {
    }

    /** Starts {@code primaries} (at least 3) cluster-enabled servers, each in its own folder under {@code dir}. */
    public static RedisCluster start(Path dir, int primaries) throws Exception {
        if (!Files.isExecutable(CLI)) {
            Peer.REDIS.unavailable(CLI + " is missing");
        }
        RedisCluster cluster = new RedisCluster();
        try {
            List<String> create = new ArrayList<>(List.of(CLI.toString(), "--cluster", "create"));
            for (int i = 0; i < primaries; i++) {
                Path nodeDir = Files.createDirectories(dir.resolve("node" + i));
                RedisServer node = RedisServer.start(nodeDir, "--cluster-enabled", "yes",
                        "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                        "--cluster-node-timeout", "2000");
                cluster.nodes.add(node);
                create.add("127.0.0.1:" + node.port());
            }
            create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Path log = dir.resolve("cluster-create.log");
            Process cli = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!cli.waitFor(READY.toSeconds(), TimeUnit.SECONDS) || cli.exitValue() != 0) {
                cli.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed: " + Files.readString(log));
            }
            long deadline = System.nanoTime() + READY.toNanos();
            for (RedisServer node : cluster.nodes) {
                while (!node.call("CLUSTER INFO").contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cluster not ok within " + READY + ": "
                                + node.call("CLUSTER INFO"));
                    }
                    TimeUnit.MILLISECONDS.sleep(20); // polling with a deadline for the nodes to agree
                }
            }
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code redis-cluster://127.0.0.1:<port>,...} listing every node (the hub's cluster URI form). */
    public String uri() {
        List<String> hosts = new ArrayList<>();
        for (RedisServer n : nodes) {
            hosts.add("127.0.0.1:" + n.port());
        }
        return "redis-cluster://" + String.join(",", hosts);
    }

    /** The nodes, in the order they were started. */
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    /** The node that serves the key's slot now: the one that answers for it instead of redirecting (MOVED). */
    public RedisServer owner(String key) throws IOException {
        for (RedisServer n : nodes) {
            if (n.command("EXISTS " + key).startsWith(":")) {
                return n;
            }
        }
        throw new IllegalStateException("no node serves the slot of " + key);
    }

    /** Stops every node (without saving). */
    @Override
    public void close() throws Exception {
        for (RedisServer n : nodes) {
            n.close();
        }
    }
}
