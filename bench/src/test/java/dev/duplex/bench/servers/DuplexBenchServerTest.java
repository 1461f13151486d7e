package dev.duplex.bench.servers;

class DuplexBenchServerTest extends EndpointContract {
    @Override
    RunningServer start() throws Exception {
        return DuplexBenchServer.start(ServerArgs.loopbackAnyPort());
    }
}
