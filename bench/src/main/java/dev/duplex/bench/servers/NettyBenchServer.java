package dev.duplex.bench.servers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

import java.net.InetSocketAddress;

/**
 * Netty 4.2 the way its examples do it: {@code HttpServerCodec} + {@code HttpObjectAggregator} +
 * {@code WebSocketServerProtocolHandler} (which answers pings and closes), then {@link NettyFrameHandler}. One
 * {@link MultiThreadIoEventLoopGroup} of {@code --threads} threads (default 1) both accepts and serves, over
 * {@code --transport nio} or {@code epoll} (the native transport shipped in netty-transport-native-epoll);
 * pooled allocator defaults; no extensions (so no compression); UTF-8 of text frames validated, as the others do.
 */
public final class NettyBenchServer {

    static final int MAX_FRAME_PAYLOAD = 1 << 20;

    private NettyBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        BenchServers.serve(NettyBenchServer::start, args);
    }

    public static RunningServer start(ServerArgs args) throws InterruptedException {
        boolean epoll = args.transport() == ServerArgs.Transport.EPOLL;
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(args.threads(), io);
        NettyTopics topics = new NettyTopics();
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .allowExtensions(false)
                .maxFramePayloadLength(MAX_FRAME_PAYLOAD)
                .build();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(channelType)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(8192),
                                    new WebSocketServerProtocolHandler(ws),
                                    new NettyFrameHandler(topics));
                        }
                    })
                    .bind(args.host(), args.port()).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            return RunningServer.of(port, () -> {
                server.close().syncUninterruptibly();
                group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
            });
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully();
            throw e;
        }
    }
}
