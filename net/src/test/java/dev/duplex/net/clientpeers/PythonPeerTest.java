package dev.duplex.net.clientpeers;

import dev.duplex.testkit.PeerProcess;

/** Our client against the Python {@code websockets} echo server, with compression switched off. */
class PythonPeerTest extends EchoPeerContract {
    @Override
    PeerProcess startPlainServer() {
        return PeerProcess.pythonEchoServer("--no-deflate");
    }
}
