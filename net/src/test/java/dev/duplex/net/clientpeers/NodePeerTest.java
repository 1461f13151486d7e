package dev.duplex.net.clientpeers;

import dev.duplex.testkit.PeerProcess;

/** Our client against the Node {@code ws} echo server (permessage-deflate off, its default). */
class NodePeerTest extends EchoPeerContract {
    @Override
    PeerProcess startPlainServer() {
        return PeerProcess.nodeEchoServer();
    }
}
