package dev.duplex.bench.servers;

class JettyBenchServerTest extends EndpointContract {
    @Override
    RunningServer start() throws Exception {
        return JettyBenchServer.start(ServerArgs.loopbackAnyPort());
    }
}
