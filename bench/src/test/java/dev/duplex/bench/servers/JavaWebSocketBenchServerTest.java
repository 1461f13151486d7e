package dev.duplex.bench.servers;

class JavaWebSocketBenchServerTest extends EndpointContract {
    @Override
    RunningServer start() throws Exception {
        return JavaWebSocketBenchServer.start(ServerArgs.loopbackAnyPort());
    }
}
