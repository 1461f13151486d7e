package dev.duplex.hub;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.KillArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The two connections of a {@link RedisSharedLog} (commands, and the pub/sub "bus") to one of three Redis
 * deployments, chosen by the URI's scheme:
 * <ul>
 *   <li>{@code redis://host:port}, {@code rediss://} (TLS): one primary.</li>
 *   <li>{@code redis-sentinel://host:port[,host2:port2]/?sentinelMasterId=name}, {@code rediss-sentinel://}
 *   (Lettuce's syntax): the primary that the Sentinels name; every (re)connect asks them again, and on a
 *   Sentinel's {@code +switch-master} both connections leave the old primary at once (so nothing more is written
 *   to a primary that was just replaced).</li>
 *   <li>{@code redis-cluster://host:port[,host2:port2...]}, {@code rediss-cluster://}: a Redis Cluster, found
 *   from these seed nodes; each command goes to the shard that holds its key's slot (a topic's keys share the
 *   hash tag {@code {topic}}, so every script touches one slot), the bus listens to classic (cluster-wide)
 *   pub/sub on one node.</li>
 * </ul>
 * Both connection kinds expose {@link RedisClusterAsyncCommands}, the commands that standalone and cluster
 * connections have in common, so the log has one code path. Not thread-safe to open or close; the command
 * interfaces are thread-safe.
 */
final class RedisLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RedisLink.class.getName());
    private static final String CLUSTER = "-cluster://";
    private static final String SWITCH_MASTER = "+switch-master";

    private final AbstractRedisClient client;
    private StatefulConnection<String, String> connection;
    private RedisClusterAsyncCommands<String, String> async;
    private RedisClusterCommands<String, String> sync;
    private StatefulRedisPubSubConnection<String, String> bus;
    private final List<StatefulRedisPubSubConnection<String, String>> sentinels = new CopyOnWriteArrayList<>();

    private RedisLink(AbstractRedisClient client) {
        this.client = client;
    }

    /**
     * Checks the URI's form (not whether Redis is there).
     *
     * @throws IllegalArgumentException naming the accepted schemes, or what is wrong with the URI
     */
    static void check(String uri) {
        if (isCluster(uri)) {
            clusterNodes(uri, Duration.ofSeconds(1));
        } else if (uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://")
                || uri.startsWith("rediss-sentinel://")) {
            RedisURI.create(uri); // throws IllegalArgumentException, e.g. for a Sentinel URI without a master id
        } else {
            throw new IllegalArgumentException("not a redis://, rediss://, redis-sentinel://, rediss-sentinel://, "
                    + "redis-cluster:// or rediss-cluster:// URI: " + uri);
        }
    }

    private static boolean isCluster(String uri) {
        return uri.startsWith("redis" + CLUSTER) || uri.startsWith("rediss" + CLUSTER);
    }

    /**
     * {@code redis[s]-cluster://[userinfo@]host:port[,host:port...][/...][?...]} as one {@code redis[s]://} URI per
     * seed node, each with the user info, path and query.
     */
    static List<RedisURI> clusterNodes(String uri, Duration connectTimeout) {
        String scheme = uri.startsWith("rediss") ? "rediss://" : "redis://";
        String rest = uri.substring(uri.indexOf(CLUSTER) + CLUSTER.length());
        int end = rest.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String authority = rest.substring(0, end);
        String tail = rest.substring(end);
        int at = authority.lastIndexOf('@');
        String userInfo = at >= 0 ? authority.substring(0, at + 1) : "";
        List<RedisURI> nodes = new ArrayList<>();
        for (String host : authority.substring(at + 1).split(",", -1)) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("a cluster URI lists host:port of one or more nodes: " + uri);
            }
            RedisURI node = RedisURI.create(scheme + userInfo + host.strip() + tail);
            node.setTimeout(connectTimeout);
            nodes.add(node);
        }
        return nodes;
    }

    /**
     * Connects both connections; commands fail at once while disconnected and after {@code timeout}, Lettuce
     * reconnects by itself with the resources' delay.
     *
     * @throws RedisException if Redis (or every Sentinel or cluster node) cannot be reached
     */
    static RedisLink open(String uri, ClientResources resources, Duration timeout, Duration connectTimeout,
            CommandListener commandListener) {
        RedisLink link;
        if (isCluster(uri)) {
            List<RedisURI> nodes = clusterNodes(uri, connectTimeout);
            RedisClusterClient cluster = RedisClusterClient.create(resources, nodes);
            cluster.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(TimeoutOptions.enabled(timeout))
                    // learn about a failover or a resharding from MOVED/ASK and lost connections, and every 30 s
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .enablePeriodicRefresh(Duration.ofSeconds(30))
                            .build())
                    .build());
            cluster.addListener(commandListener); // before connecting: Lettuce wraps the connections' writers then
            link = new RedisLink(cluster);
            try {
                StatefulRedisClusterConnection<String, String> c = cluster.connect();
                link.connection = c;
                link.async = c.async();
                link.sync = c.sync();
                link.bus = cluster.connectPubSub();
            } catch (RuntimeException e) {
                link.close();
                throw e;
            }
            return link;
        }
        RedisURI redisUri = RedisURI.create(uri);
        redisUri.setTimeout(connectTimeout);
        RedisClient standalone = RedisClient.create(resources, redisUri);
        standalone.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        standalone.addListener(commandListener); // before connecting, as above
        link = new RedisLink(standalone);
        try {
            StatefulRedisConnection<String, String> c = standalone.connect();
            link.connection = c;
            link.async = c.async();
            link.sync = c.sync();
            link.bus = standalone.connectPubSub();
            if (!redisUri.getSentinels().isEmpty()) {
                link.watchSentinels(standalone, redisUri, c, link.bus);
            }
        } catch (RuntimeException e) {
            link.close();
            throw e;
        }
        return link;
    }

    private static String hosts(List<RedisURI> uris) {
        List<String> out = new ArrayList<>();
        for (RedisURI u : uris) {
            out.add(u.getHost() + ":" + u.getPort());
        }
        return String.join(",", out);
    }

    /**
     * Listens to each reachable Sentinel's {@code +switch-master}: Lettuce asks the Sentinels for the primary only
     * when it (re)connects, and a primary replaced by {@code SENTINEL FAILOVER} keeps its connections (and takes
     * writes that its successor never sees) until the Sentinels turn it into a replica, seconds later.
     */
    private void watchSentinels(RedisClient standalone, RedisURI redisUri,
                                StatefulRedisConnection<String, String> commands,
                                StatefulRedisPubSubConnection<String, String> bus) {
        for (RedisURI sentinel : redisUri.getSentinels()) {
            RedisURI at = RedisURI.builder(sentinel).withTimeout(redisUri.getTimeout()).build();
            StatefulRedisPubSubConnection<String, String> watch;
            try {
                watch = standalone.connectPubSub(StringCodec.UTF8, at);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Sentinel " + at.getHost() + ":" + at.getPort()
                        + " unreachable; a failover is noticed when the old primary drops the connection: " + e);
                continue;
            }
            sentinels.add(watch);
            watch.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    // "<master name> <old ip> <old port> <new ip> <new port>"
                    String[] f = message.split(" ");
                    if (f.length == 5 && f[0].equals(redisUri.getSentinelMasterId())) {
                        String primary = f[3] + ":" + f[4];
                        LOG.log(System.Logger.Level.INFO, "Sentinel: the primary of " + f[0] + " is now " + primary);
                        leaveUnlessAt(commands, primary);
                        leaveUnlessAt(bus, primary);
                    }
                }
            });
            watch.async().subscribe(SWITCH_MASTER);
        }
    }

    /**
     * Makes the server close this connection unless it is the one at {@code primary}; Lettuce then reconnects,
     * asking the Sentinels where the primary is, and resubscribes. Does not wait; a dead server is left alone
     * (its connection broke already).
     */
    private static void leaveUnlessAt(StatefulRedisConnection<String, String> c, String primary) {
        CompletableFuture<String> info;
        try {
            info = c.async().clientInfo().toCompletableFuture();
        } catch (RuntimeException e) {
            return; // disconnected: the reconnect asks the Sentinels anyway
        }
        info.thenCompose(line -> {
            if (primary.equals(field(line, "laddr"))) {
                return CompletableFuture.completedFuture(0L);
            }
            return c.async().clientKill(new KillArgs().id(Long.parseLong(field(line, "id"))).skipme(false))
                    .toCompletableFuture();
        }).whenComplete((killed, e) -> {
            if (e != null) {
                LOG.log(System.Logger.Level.DEBUG, "leaving the old primary: " + e);
            }
        });
    }

    /** The value of {@code name=} in a CLIENT INFO line, or "". */
    private static String field(String clientInfo, String name) {
        for (String f : clientInfo.strip().split(" ")) {
            if (f.startsWith(name + "=")) {
                return f.substring(name.length() + 1);
            }
        }
        return "";
    }

    /** Where a URI goes, for messages (no password): e.g. "Redis at host:port". */
    static String where(String uri) {
        if (isCluster(uri)) {
            return "the Redis Cluster at " + hosts(clusterNodes(uri, Duration.ofSeconds(1)));
        }
        RedisURI u = RedisURI.create(uri);
        return u.getSentinels().isEmpty() ? "Redis at " + u.getHost() + ":" + u.getPort()
                : "the primary " + u.getSentinelMasterId() + " of the Sentinels at " + hosts(u.getSentinels());
    }

    /** The commands connection's asynchronous commands (thread-safe; routed by key slot in a cluster). */
    RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    /** The commands connection's blocking commands (thread-safe). */
    RedisClusterCommands<String, String> sync() {
        return sync;
    }

    /** The pub/sub connection. */
    StatefulRedisPubSubConnection<String, String> bus() {
        return bus;
    }

    /** Whether {@code connection} is one of the connections that listen to a Sentinel (not to the primary). */
    boolean isSentinelWatch(Object connection) {
        return sentinels.contains(connection);
    }

    /** Tells the listener when any of the client's connections connects or breaks. */
    void addListener(RedisConnectionStateListener listener) {
        client.addListener(listener);
    }

    /** Closes the connections and the client (not the shared resources); idempotent. */
    @Override
    public void close() {
        for (StatefulRedisPubSubConnection<String, String> s : sentinels) {
            s.close();
        }
        sentinels.clear();
        if (bus != null && bus.isOpen()) { // the log may have closed it first
            bus.close();
            bus = null;
        }
        if (connection != null) {
            connection.close();
            connection = null;
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
