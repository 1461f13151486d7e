package dev.duplex.hub;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;

import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link SharedLog} in Redis 7 (or Valkey) through Lettuce. Per topic, all keys carry the hash tag
 * {@code {topic}} so they live in one Redis Cluster slot: {@code duplex:{topic}:seq} (a hash: {@code seq}, the
 * last given seq, and {@code ts}, the newest timestamp; never expires), {@code duplex:{topic}:log} (a sorted set
 * scored by seq, trimmed to the retention), the pub/sub channel {@code duplex:{topic}:bus}, and for keyed
 * publishes {@code duplex:{topic}:keys} (a hash: key → "seq:ts" of its first publish) with
 * {@code duplex:{topic}:keyorder} (a sorted set of the keys scored by timestamp), both bounded by the key window
 * and count and expiring when the topic got no keyed publish for the window. One Lua script checks the key,
 * gives the seq, appends, trims and publishes atomically, so every node sees one order per topic and a key is
 * stored once whichever node it is sent to.
 *
 * <p>Commands fail at once while disconnected (no silent queueing) and after {@code timeout}; Lettuce reconnects
 * by itself and resubscribes, which is reported as {@link Events#subscribed} for every channel again. The
 * connections go to one primary, the primary named by Sentinels or a Redis Cluster: see {@link RedisLink}. Every
 * command touches one key or the keys of one topic (one slot), as a cluster requires.
 */
final class RedisSharedLog implements SharedLog {
    private static final System.Logger LOG = System.getLogger(RedisSharedLog.class.getName());
    private static final String PREFIX = "duplex:{";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /*
     * KEYS[1] seq hash, KEYS[2] log, KEYS[3] keys hash, KEYS[4] key order; ARGV[1] timestamp, ARGV[2] max
     * messages, ARGV[3] max age (ms), ARGV[4] channel, ARGV[5] payload, ARGV[6] publish key ('' for none), ARGV[7]
     * key window (ms), ARGV[8] max keys. A key remembered within the window returns its first publish's
     * {seq, ts, 1} and stores nothing; keys older than the window are dropped (100 per call: each call adds at
     * most one), and the oldest beyond the max count. The entry is "seq:ts:payload" (unique per topic, so a
     * sorted-set member); the log is trimmed by count, then from the oldest while older than the age (timestamps
     * never go back in a topic), and expires when nothing was added for the max age (everything in it would be
     * too old by then).
     */
    static final String APPEND = """
            local ts = tonumber(ARGV[1])
            local last = tonumber(redis.call('HGET', KEYS[1], 'ts') or '0')
            if last > ts then ts = last end
            local key = ARGV[6]
            local window = tonumber(ARGV[7])
            if key ~= '' then
              local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', '(' .. (ts - window), 'LIMIT', 0, 100)
              if #expired > 0 then
                redis.call('HDEL', KEYS[3], unpack(expired))
                redis.call('ZREM', KEYS[4], unpack(expired))
              end
              local first = redis.call('HGET', KEYS[3], key)
              if first then
                local fseq, fts = string.match(first, '^(%d+):(%d+)$')
                if tonumber(fts) >= ts - window then
                  return {tonumber(fseq), tonumber(fts), 1}
                end
              end
            end
            local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
            redis.call('HSET', KEYS[1], 'ts', ts)
            local entry = seq .. ':' .. ts .. ':' .. ARGV[5]
            local max = tonumber(ARGV[2])
            local age = tonumber(ARGV[3])
            if max > 0 and age > 0 then
              redis.call('ZADD', KEYS[2], seq, entry)
              redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(max + 1))
              local minTs = ts - age
              for i = 1, 1000 do
                local first = redis.call('ZRANGE', KEYS[2], 0, 0)
                if #first == 0 then break end
                local fts = tonumber(string.match(first[1], '^%d+:(%d+):'))
                if fts >= minTs then break end
                redis.call('ZREMRANGEBYRANK', KEYS[2], 0, 0)
              end
              redis.call('PEXPIRE', KEYS[2], age)
            end
            if key ~= '' then
              redis.call('HSET', KEYS[3], key, seq .. ':' .. ts)
              redis.call('ZADD', KEYS[4], ts, key)
              local over = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[8])
              if over > 0 then
                local oldest = redis.call('ZRANGE', KEYS[4], 0, over - 1)
                redis.call('HDEL', KEYS[3], unpack(oldest))
                redis.call('ZREMRANGEBYRANK', KEYS[4], 0, over - 1)
              end
              redis.call('PEXPIRE', KEYS[3], window)
              redis.call('PEXPIRE', KEYS[4], window)
            end
            redis.call('PUBLISH', ARGV[4], entry)
            return {seq, ts, 0}
            """;
    private static final String APPEND_SHA = sha1(APPEND);
    /** KEYS[1] members hash; ARGV[1] field, ARGV[2] name, ARGV[3] channel, ARGV[4] presence entry. */
    static final String JOIN = """
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 1
            """;
    /** As {@link #JOIN}; announces only a member that was still there, so a leave is told once. */
    static final String LEAVE = """
            if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 then
              redis.call('PUBLISH', ARGV[3], ARGV[4])
            end
            return 1
            """;
    /** A node whose heartbeat key is older than this is dead: its members are dropped. */
    static final Duration HEARTBEAT_TTL = Duration.ofSeconds(5);

    private final String nodeId = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    private final RedisStats stats = new RedisStats(nodeId);

    private final String uri;
    private final Retention retention;
    private final Duration timeout;
    private final Duration keyWindow;
    private final int maxKeysPerTopic;
    private ClientResources resources;
    private RedisLink commands;
    private StatefulRedisPubSubConnection<String, String> bus;

    RedisSharedLog(String uri, Retention retention, Duration timeout) {
        this(uri, retention, timeout, PublishKeys.WINDOW, PublishKeys.MAX_KEYS_PER_TOPIC_SHARED);
    }

    RedisSharedLog(String uri, Retention retention, Duration timeout, Duration keyWindow, int maxKeysPerTopic) {
        RedisLink.check(uri);
        this.uri = uri;
        this.retention = retention;
        this.timeout = timeout;
        this.keyWindow = keyWindow;
        this.maxKeysPerTopic = maxKeysPerTopic;
    }

    static String seqKey(String topic) {
        return PREFIX + topic + "}:seq";
    }

    static String logKey(String topic) {
        return PREFIX + topic + "}:log";
    }

    static String channel(String topic) {
        return PREFIX + topic + "}:bus";
    }

    static String keysKey(String topic) {
        return PREFIX + topic + "}:keys";
    }

    static String keyOrderKey(String topic) {
        return PREFIX + topic + "}:keyorder";
    }

    static String membersKey(String topic) {
        return PREFIX + topic + "}:members";
    }

    static String nodeKey(String nodeId) {
        return "duplex:node:" + nodeId;
    }

    /** The topic of a bus channel, or null if it is not one. */
    static String topicOf(String channel) {
        if (!channel.startsWith(PREFIX) || !channel.endsWith("}:bus")) {
            return null;
        }
        return channel.substring(PREFIX.length(), channel.length() - "}:bus".length());
    }

    @Override
    public void open(Events events) {
        // two I/O threads are plenty for two connections; reconnect soon (100 ms, doubling up to 2 s)
        resources = ClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2,
                        TimeUnit.MILLISECONDS))
                .commandLatencyRecorder(stats)
                .build();
        try {
            // the first connection's handshake may take CONNECT_TIMEOUT (a cold JVM loads Netty meanwhile)
            commands = RedisLink.open(uri, resources, timeout, CONNECT_TIMEOUT, stats);
            commands.sync().scriptLoad(APPEND); // after a Redis restart, the first append loads it again
            commands.sync().set(nodeKey(nodeId), "1", SetArgs.Builder.px(HEARTBEAT_TTL.toMillis()));
            bus = commands.bus();
        } catch (RedisException e) {
            close();
            throw unavailable("cannot connect to " + RedisLink.where(uri), e);
        }
        stats.opened();
        StatefulRedisPubSubConnection<String, String> busConnection = bus;
        bus.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String entry) {
                String topic = topicOf(channel);
                if (topic == null) {
                    return;
                }
                if (entry.startsWith("J:") || entry.startsWith("L:")) {
                    presence(events, topic, entry);
                    return;
                }
                StoredMessage m;
                try {
                    m = decode(topic, entry);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "malformed hub entry on " + channel + ": " + e);
                    return;
                }
                stats.messagesIn.increment();
                events.message(m);
            }

            @Override
            public void subscribed(String channel, long count) {
                String topic = topicOf(channel);
                if (topic != null) {
                    events.subscribed(topic);
                }
            }
        });
        commands.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (commands.isSentinelWatch(connection)) {
                    return;
                }
                stats.link(connection == busConnection, false);
                if (connection == busConnection) {
                    events.disconnected();
                }
            }

            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                if (commands.isSentinelWatch(connection)) {
                    return;
                }
                stats.link(connection == busConnection, true);
            }
        });
    }

    @Override
    public CompletableFuture<Appended> append(String topic, long timestamp, String fromSession, String fromName,
                                              String data, String key) {
        String[] keys = {seqKey(topic), logKey(topic), keysKey(topic), keyOrderKey(topic)};
        String payload = fromSession.length() + ":" + fromSession + fromName.length() + ":" + fromName + data;
        String[] args = {Long.toString(timestamp), Integer.toString(retention.maxMessages()),
                Long.toString(retention.maxAge().toMillis()), channel(topic), payload, key == null ? "" : key,
                Long.toString(keyWindow.toMillis()), Integer.toString(maxKeysPerTopic)};
        CompletableFuture<List<Object>> sent;
        try {
            sent = commands.async().<List<Object>>evalsha(APPEND_SHA, ScriptOutputType.MULTI, keys, args)
                    .toCompletableFuture()
                    .exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                            ? commands.async().<List<Object>>eval(APPEND, ScriptOutputType.MULTI, keys, args)
                            .toCompletableFuture()
                            : CompletableFuture.failedFuture(e));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(unavailable("Redis rejected the publish", e));
        }
        return sent.handle((reply, e) -> {
            if (e != null) {
                throw unavailable("Redis did not store the message", unwrap(e));
            }
            boolean duplicate = (Long) reply.get(2) == 1L;
            if (!duplicate) {
                stats.messagesOut.increment();
            }
            return new Appended((Long) reply.get(0), (Long) reply.get(1), duplicate);
        });
    }

    private void presence(Events events, String topic, String entry) {
        try {
            int a = entry.indexOf(':', 2);
            if (entry.substring(2, a).equals(nodeId)) {
                return; // this node told its own members already
            }
            int b = entry.indexOf(':', a + 1);
            int sessionLength = Integer.parseInt(entry, a + 1, b, 10);
            String session = entry.substring(b + 1, b + 1 + sessionLength);
            events.presence(topic, entry.charAt(0) == 'J', new Member(session, entry.substring(b + 1 + sessionLength)));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "malformed presence entry on " + topic + ": " + e);
        }
    }

    private static String presenceEntry(char type, String nodeId, Member m) {
        return type + ":" + nodeId + ":" + m.session().length() + ":" + m.session() + m.name();
    }

    @Override
    public void join(String topic, Member member) {
        presenceScript(JOIN, topic, nodeId + "/" + member.session(), member, presenceEntry('J', nodeId, member));
    }

    @Override
    public void leave(String topic, Member member) {
        presenceScript(LEAVE, topic, nodeId + "/" + member.session(), member, presenceEntry('L', nodeId, member));
    }

    private void presenceScript(String script, String topic, String field, Member member, String entry) {
        try {
            commands.async().<Long>eval(script, ScriptOutputType.INTEGER, new String[] {membersKey(topic)},
                    field, member.name(), channel(topic), entry);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "presence on " + topic + ": " + e);
        }
    }

    @Override
    public List<Member> members(String topic) {
        Map<String, String> all = await(commands.async().hgetall(membersKey(topic)).toCompletableFuture(),
                "read the members of");
        Map<String, Boolean> alive = nodesAlive(all.keySet());
        List<Member> out = new ArrayList<>(all.size());
        all.forEach((field, name) -> {
            int slash = field.indexOf('/');
            if (slash > 0 && alive.getOrDefault(field.substring(0, slash), false)) {
                out.add(new Member(field.substring(slash + 1), name));
            }
        });
        return out;
    }

    @Override
    public void heartbeat() {
        try {
            commands.async().set(nodeKey(nodeId), "1", SetArgs.Builder.px(HEARTBEAT_TTL.toMillis()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "heartbeat: " + e);
        }
    }

    @Override
    public void syncMembers(String topic, List<Member> own) {
        Map<String, String> all = await(commands.async().hgetall(membersKey(topic)).toCompletableFuture(),
                "read the members of");
        Map<String, Boolean> alive = nodesAlive(all.keySet());
        Map<String, Member> mine = new LinkedHashMap<>();
        for (Member m : own) {
            mine.put(nodeId + "/" + m.session(), m);
        }
        all.forEach((field, name) -> {
            int slash = field.indexOf('/');
            String node = slash > 0 ? field.substring(0, slash) : "";
            boolean stale = node.equals(nodeId) ? !mine.containsKey(field) : !alive.getOrDefault(node, false);
            if (stale) {
                Member m = new Member(field.substring(slash + 1), name);
                presenceScript(LEAVE, topic, field, m, presenceEntry('L', node, m));
            }
        });
        mine.forEach((field, m) -> {
            if (!all.containsKey(field)) {
                join(topic, m);
            }
        });
    }

    /** Whether each node named in {@code fields} ("node/session") still has its heartbeat key. */
    private Map<String, Boolean> nodesAlive(Iterable<String> fields) {
        Map<String, CompletableFuture<Long>> asked = new LinkedHashMap<>();
        for (String field : fields) {
            int slash = field.indexOf('/');
            if (slash > 0) {
                asked.computeIfAbsent(field.substring(0, slash),
                        node -> commands.async().exists(nodeKey(node)).toCompletableFuture());
            }
        }
        Map<String, Boolean> alive = new LinkedHashMap<>();
        asked.forEach((node, f) -> alive.put(node, await(f, "check the nodes of") > 0));
        return alive;
    }

    @Override
    public long lastSeq(String topic) {
        String seq = await(commands.async().hget(seqKey(topic), "seq").toCompletableFuture(), "read the seq of");
        return seq == null ? 0 : Long.parseLong(seq);
    }

    @Override
    public void subscribe(String topic) {
        await(bus.async().subscribe(channel(topic)).toCompletableFuture(), "subscribe to");
    }

    @Override
    public void unsubscribe(String topic) {
        try {
            bus.async().unsubscribe(channel(topic));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "unsubscribe " + topic + ": " + e);
        }
    }

    @Override
    public List<StoredMessage> read(String topic, long afterSeq, long minTimestamp, int limit) {
        List<String> entries = await(commands.async().zrangebyscore(logKey(topic),
                Range.create((double) afterSeq + 1, Double.POSITIVE_INFINITY), Limit.create(0, limit))
                .toCompletableFuture(), "read the history of");
        List<StoredMessage> out = new ArrayList<>(entries.size());
        for (String entry : entries) {
            StoredMessage m = decode(topic, entry);
            if (m.seq() > afterSeq && m.timestamp() >= minTimestamp) {
                out.add(m);
            }
        }
        stats.messagesRead.add(out.size());
        return out;
    }

    @Override
    public ClusterMetrics metrics() {
        return stats.snapshot();
    }

    /** Closes the connections and the client's threads; idempotent, also after a failed {@link #open}. */
    @Override
    public void close() {
        if (commands != null) {
            try { // the other nodes drop this node's members at once instead of after the heartbeat expiry
                commands.async().del(nodeKey(nodeId)).toCompletableFuture().get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "removing the heartbeat: " + e);
            }
        }
        if (bus != null) {
            bus.close();
            bus = null;
        }
        if (commands != null) {
            commands.close();
            commands = null;
        }
        if (resources != null) {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            resources = null;
        }
    }

    /** Parses "seq:ts:len:session len:name data". */
    static StoredMessage decode(String topic, String entry) {
        int a = entry.indexOf(':');
        int b = entry.indexOf(':', a + 1);
        long seq = Long.parseLong(entry, 0, a, 10);
        long ts = Long.parseLong(entry, a + 1, b, 10);
        int c = entry.indexOf(':', b + 1);
        int sessionLength = Integer.parseInt(entry, b + 1, c, 10);
        String session = entry.substring(c + 1, c + 1 + sessionLength);
        int d = c + 1 + sessionLength;
        int e = entry.indexOf(':', d);
        int nameLength = Integer.parseInt(entry, d, e, 10);
        String name = entry.substring(e + 1, e + 1 + nameLength);
        return new StoredMessage(topic, seq, ts, session, name, entry.substring(e + 1 + nameLength));
    }

    private <T> T await(CompletableFuture<T> f, String what) {
        try {
            return f.get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw unavailable("Redis could not " + what + " the topic", unwrap(e));
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static HubException unavailable(String message, Throwable cause) {
        return new HubException(ErrorCode.UNAVAILABLE.wire(), message + ": " + cause.getMessage(), cause);
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
