package dev.duplex.bench.servers;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelMatchers;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * Routes by the upgraded request's path, then for each data frame (one per channel, not shared):
 * {@code /echo} writes the frame back and flushes once per read batch ({@code channelReadComplete}), the usual
 * Netty batching; {@code /broadcast[/topic]} writes the frame to the path's {@link ChannelGroup}, which sends each
 * member a retained duplicate of the same buffer (no copy), without per-channel futures (void promises).
 * Other paths are closed with 1008. Continuation frames are not reassembled (the benchmarks send whole messages).
 */
final class NettyFrameHandler extends ChannelInboundHandlerAdapter {
    private final NettyTopics topics;
    private boolean echo;
    private ChannelGroup audience;

    NettyFrameHandler(NettyTopics topics) {
        this.topics = topics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            String path = new QueryStringDecoder(handshake.requestUri()).path();
            if (path.equals("/echo")) {
                echo = true;
            } else if (Topics.isBroadcastPath(path)) {
                audience = topics.join(path, ctx.channel());
            } else {
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "unknown path " + path));
                ctx.close();
            }
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        WebSocketFrame frame = (WebSocketFrame) msg;
        if (echo) {
            ctx.write(frame, ctx.voidPromise());
        } else if (audience != null) {
            audience.writeAndFlush(frame, ChannelMatchers.all(), true);
        } else {
            frame.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (echo) {
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
