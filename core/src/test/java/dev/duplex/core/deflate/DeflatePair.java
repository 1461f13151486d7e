package dev.duplex.core.deflate;

import dev.duplex.core.BufferPool;
import dev.duplex.core.EngineConfig;
import dev.duplex.core.OutboundBuffer;
import dev.duplex.core.Role;
import dev.duplex.core.WebSocketEngine;
import dev.duplex.core.extension.Extension;
import dev.duplex.core.extension.ExtensionNegotiation;
import dev.duplex.core.extension.NegotiatedExtensions;
import dev.duplex.core.handshake.ExtensionOffer;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/**
 * A client and a server engine whose permessage-deflate was negotiated the way the net layer will do it: offers
 * and response rendered to header text and parsed back in between.
 */
final class DeflatePair {
    final Recorder serverEvents = new Recorder();
    final Recorder clientEvents = new Recorder();
    final WebSocketEngine server;
    final WebSocketEngine client;
    final DeflateExtension serverExtension;
    final DeflateExtension clientExtension;
    final ExtensionOffer response;

    DeflatePair(PerMessageDeflate serverSide, PerMessageDeflate clientSide, EngineConfig serverConfig,
                EngineConfig clientConfig) {
        List<ExtensionOffer> offers = reparse(ExtensionNegotiation.clientOffers(List.of(clientSide)));
        NegotiatedExtensions negotiated = ExtensionNegotiation.serverNegotiate(List.of(serverSide), offers);
        if (negotiated.extensions().size() != 1) {
            throw new AssertionError("permessage-deflate was not accepted: " + offers);
        }
        response = negotiated.responseOffers().get(0);
        List<Extension> clientExtensions = ExtensionNegotiation.clientAccept(List.of(clientSide),
                reparse(negotiated.responseOffers()));
        serverExtension = (DeflateExtension) negotiated.extensions().get(0);
        clientExtension = (DeflateExtension) clientExtensions.get(0);
        server = new WebSocketEngine(Role.SERVER, serverConfig, serverEvents,
                new OutboundBuffer(BufferPool.heap()), negotiated.extensions());
        client = new WebSocketEngine(Role.CLIENT, clientConfig, clientEvents,
                new OutboundBuffer(BufferPool.heap()), clientExtensions);
    }

    DeflatePair(PerMessageDeflate serverSide, PerMessageDeflate clientSide) {
        this(serverSide, clientSide, EngineConfig.defaults(), EngineConfig.defaults());
    }

    static List<ExtensionOffer> reparse(List<ExtensionOffer> offers) {
        return ExtensionOffer.parseHeader(List.of(ExtensionOffer.renderHeader(offers)));
    }

    /** Moves everything the client sent into the server, split at random points. */
    void clientToServer(Random random) {
        feed(server, client.outbound().drain(), random);
    }

    void serverToClient(Random random) {
        feed(client, server.outbound().drain(), random);
    }

    static void feed(WebSocketEngine engine, byte[] wire, Random random) {
        int pos = 0;
        while (pos < wire.length) {
            int n = random == null ? wire.length : Math.min(wire.length - pos, 1 + random.nextInt(
                    random.nextBoolean() ? 16 : 70_000));
            byte[] piece = new byte[n];
            System.arraycopy(wire, pos, piece, 0, n);
            engine.receive(ByteBuffer.wrap(piece));
            pos += n;
        }
    }
}
