package dev.duplex.bench.servers;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Netty's idiom for an audience: one {@link ChannelGroup} per broadcast path. A group drops a channel by itself
 * when the channel closes. Thread-safe.
 */
final class NettyTopics {
    private final Map<String, ChannelGroup> byPath = new ConcurrentHashMap<>();

    ChannelGroup join(String path, Channel channel) {
        ChannelGroup group = byPath.computeIfAbsent(path, p -> new DefaultChannelGroup(p, GlobalEventExecutor.INSTANCE));
        group.add(channel);
        return group;
    }
}
