package dev.duplex.bench.servers;

import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Nested;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

class NettyBenchServerTest {

    @Nested
    class Nio extends EndpointContract {
        @Override
        RunningServer start() throws Exception {
            return NettyBenchServer.start(ServerArgs.loopbackAnyPort());
        }
    }

    @Nested
    class NativeEpoll extends EndpointContract {
        @Override
        RunningServer start() throws Exception {
            assumeTrue(Epoll.isAvailable(), () -> "no native epoll here: " + Epoll.unavailabilityCause());
            return NettyBenchServer.start(new ServerArgs("127.0.0.1", 0, 1, ServerArgs.Transport.EPOLL));
        }
    }
}
