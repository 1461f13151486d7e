package dev.duplex.core.deflate;

import dev.duplex.core.extension.AcceptedExtension;
import dev.duplex.core.extension.Extension;
import dev.duplex.core.extension.ExtensionFactory;
import dev.duplex.core.handshake.ExtensionOffer;
import dev.duplex.core.handshake.HandshakeException;

import java.util.List;
import java.util.Optional;
import java.util.zip.Deflater;

import static dev.duplex.core.deflate.DeflateParameters.ABSENT;
import static dev.duplex.core.deflate.DeflateParameters.MAX_WINDOW_BITS;
import static dev.duplex.core.deflate.DeflateParameters.NO_VALUE;

/**
 * The permessage-deflate extension (RFC 7692) as an {@link ExtensionFactory} for either side: one configured
 * instance negotiates for any number of connections, as a server ({@link #serverAccept}) or as a client
 * ({@link #clientOffers}, {@link #clientAccept}). Immutable and thread-safe; build with {@link #builder()}.
 *
 * <p><b>Options</b> (each seen from this endpoint; defaults in brackets):
 * <ul>
 *   <li>{@code compressionLevel} [6]: the zlib level, 0 (stored) to 9.</li>
 *   <li>{@code serverNoContextTakeover} [false]: the server compressor resets after every message. A server
 *       sends it in every response; a client requests it (and fails a response that ignores the request). A server
 *       always honours a client's request for it.</li>
 *   <li>{@code clientNoContextTakeover} [false]: the client compressor resets after every message. A server sends
 *       it in every response (clients must comply); a client offers it and resets its compressor either way.
 *       A server also echoes it when a client offers it, so its decompressor may drop its state.</li>
 *   <li>{@code serverMaxWindowBits} [15]: the largest LZ77 window (2^bits bytes, 8..15) of the server compressor.
 *       A server compresses with the smaller of this and the client's request and states the value in the
 *       response; a client requests it.</li>
 *   <li>{@code clientMaxWindowBits} [15]: the same for the client compressor. A client offers the parameter
 *       always (without a value at 15: "I can limit my window") and compresses with the smaller of this and the
 *       server's answer; a server asks for it only when the client offered the parameter, otherwise it accepts the
 *       client's full window (this side's inflater always handles 32 KiB, so that costs nothing).</li>
 *   <li>{@code compressionThreshold} [64]: whole messages shorter than this many bytes are sent uncompressed
 *       (without RSV1, as RFC 7692 allows); streamed messages are always compressed.</li>
 *   <li>{@code memoryPolicy} [{@link MemoryPolicy#RETAIN}]: see {@link MemoryPolicy}.</li>
 * </ul>
 *
 * <p><b>Window of 8 bits.</b> This implementation honours every window from 8 to 15 bits exactly when it
 * compresses (see {@code MessageCompressor}: the JDK deflater has no window setting, so the window is enforced by
 * restarting the deflater with a dictionary). zlib, which most peers use, cannot compress raw DEFLATE with a
 * 256-byte window (since 1.2.9 it rejects 8, older versions silently used 9), so when this endpoint <i>asks the
 * peer</i> for a window (a client's {@code server_max_window_bits}, a server's {@code client_max_window_bits}),
 * a configured 8 is sent as 9, unless the peer itself offered 8. Decompression never depends on the window.
 *
 * <p><b>Errors:</b> a server never fails a handshake over an offer: malformed or unacceptable offers are skipped
 * (RFC 7692 section 5). A client fails the handshake with {@link HandshakeException} (502) for a malformed
 * response or one it did not allow (RFC 7692 section 7.1). On an open connection, undecodable data fails it with
 * 1007 and a message that inflates past the engine's {@code maxMessageSize} with 1009.
 */
public final class PerMessageDeflate implements ExtensionFactory {

    /** What a connection keeps between messages. */
    public enum MemoryPolicy {
        /**
         * Keep the native {@link Deflater} and {@link java.util.zip.Inflater} for the life of the connection
         * (about 260 KiB of native memory per connection with zlib's defaults; see docs/compression.md).
         */
        RETAIN,
        /**
         * For each direction without context takeover, take the native object from a small pool shared by this
         * factory's connections for each message and give it back afterwards, so an idle connection holds none.
         * Directions with context takeover must keep their state and are unaffected: pair this with
         * {@code serverNoContextTakeover} and {@code clientNoContextTakeover} on a server with many idle
         * connections.
         */
        RELEASE_WHEN_IDLE
    }

    /** The registered name, {@code permessage-deflate}. */
    public static final String NAME = DeflateParameters.NAME;

    private static final int DEFAULT_POOL_SIZE = 16;

    private final int compressionLevel;
    private final boolean serverNoContextTakeover;
    private final boolean clientNoContextTakeover;
    private final int serverMaxWindowBits;
    private final int clientMaxWindowBits;
    private final int compressionThreshold;
    private final MemoryPolicy memoryPolicy;
    private final NativePool pool;

    private PerMessageDeflate(Builder b) {
        this.compressionLevel = b.compressionLevel;
        this.serverNoContextTakeover = b.serverNoContextTakeover;
        this.clientNoContextTakeover = b.clientNoContextTakeover;
        this.serverMaxWindowBits = b.serverMaxWindowBits;
        this.clientMaxWindowBits = b.clientMaxWindowBits;
        this.compressionThreshold = b.compressionThreshold;
        this.memoryPolicy = b.memoryPolicy;
        this.pool = b.memoryPolicy == MemoryPolicy.RELEASE_WHEN_IDLE
                ? new NativePool(b.compressionLevel, b.poolSize) : null;
    }

    /** The defaults: level 6, context takeover both ways, 15-bit windows, threshold 64, {@link MemoryPolicy#RETAIN}. */
    public static PerMessageDeflate defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    public int compressionLevel() {
        return compressionLevel;
    }

    public boolean serverNoContextTakeover() {
        return serverNoContextTakeover;
    }

    public boolean clientNoContextTakeover() {
        return clientNoContextTakeover;
    }

    public int serverMaxWindowBits() {
        return serverMaxWindowBits;
    }

    public int clientMaxWindowBits() {
        return clientMaxWindowBits;
    }

    public int compressionThreshold() {
        return compressionThreshold;
    }

    public MemoryPolicy memoryPolicy() {
        return memoryPolicy;
    }

    // ------------------------------------------------------------------------------------------------ server

    @Override
    public Optional<AcceptedExtension> serverAccept(List<ExtensionOffer> offers) {
        for (ExtensionOffer offer : offers) {
            DeflateParameters requested;
            try {
                requested = DeflateParameters.parse(offer, false);
            } catch (IllegalArgumentException malformed) {
                continue; // RFC 7692 section 5: decline an offer with an invalid parameter, try the next
            }
            DeflateParameters response = serverResponse(requested);
            Extension extension = create(response, true);
            return Optional.of(new AcceptedExtension(response.toOffer(), extension));
        }
        return Optional.empty();
    }

    /** The response to a valid offer; every valid offer can be honoured, since any window from 8 to 15 can. */
    private DeflateParameters serverResponse(DeflateParameters offer) {
        int serverBits = ABSENT;
        if (offer.serverMaxWindowBits() != ABSENT) {
            serverBits = Math.min(serverMaxWindowBits, offer.serverMaxWindowBits());
        } else if (serverMaxWindowBits < MAX_WINDOW_BITS) {
            serverBits = serverMaxWindowBits;
        }
        int clientBits = ABSENT;
        if (offer.clientMaxWindowBits() != ABSENT && clientMaxWindowBits < MAX_WINDOW_BITS) {
            int offered = offer.clientMaxWindowBits() == NO_VALUE ? MAX_WINDOW_BITS : offer.clientMaxWindowBits();
            clientBits = Math.min(askPeerFor(clientMaxWindowBits), offered);
        }
        return new DeflateParameters(serverNoContextTakeover || offer.serverNoContextTakeover(),
                clientNoContextTakeover || offer.clientNoContextTakeover(), serverBits, clientBits);
    }

    // ------------------------------------------------------------------------------------------------ client

    @Override
    public List<ExtensionOffer> clientOffers() {
        return List.of(clientOffer().toOffer());
    }

    private DeflateParameters clientOffer() {
        return new DeflateParameters(serverNoContextTakeover, clientNoContextTakeover,
                serverMaxWindowBits < MAX_WINDOW_BITS ? askPeerFor(serverMaxWindowBits) : ABSENT,
                clientMaxWindowBits < MAX_WINDOW_BITS ? clientMaxWindowBits : NO_VALUE);
    }

    @Override
    public Extension clientAccept(ExtensionOffer response) {
        if (!NAME.equalsIgnoreCase(response.name())) {
            throw fail("expected a " + NAME + " response, got " + response.name());
        }
        DeflateParameters accepted;
        try {
            accepted = DeflateParameters.parse(response, true);
        } catch (IllegalArgumentException malformed) {
            throw fail("malformed " + NAME + " response: " + malformed.getMessage());
        }
        DeflateParameters offered = clientOffer();
        if (offered.serverNoContextTakeover() && !accepted.serverNoContextTakeover()) {
            throw fail(NAME + " response lacks the requested server_no_context_takeover");
        }
        if (offered.serverMaxWindowBits() != ABSENT) {
            if (accepted.serverMaxWindowBits() == ABSENT) {
                throw fail(NAME + " response lacks the requested server_max_window_bits");
            }
            if (accepted.serverMaxWindowBits() > offered.serverMaxWindowBits()) {
                throw fail(NAME + " response has server_max_window_bits=" + accepted.serverMaxWindowBits()
                        + ", more than the requested " + offered.serverMaxWindowBits());
            }
        }
        if (accepted.clientMaxWindowBits() != ABSENT && offered.clientMaxWindowBits() != NO_VALUE
                && accepted.clientMaxWindowBits() > offered.clientMaxWindowBits()) {
            throw fail(NAME + " response has client_max_window_bits=" + accepted.clientMaxWindowBits()
                    + ", more than the offered " + offered.clientMaxWindowBits());
        }
        return create(accepted, false);
    }

    // ------------------------------------------------------------------------------------------------ common

    private Extension create(DeflateParameters agreed, boolean server) {
        int serverBits = agreed.serverMaxWindowBits() == ABSENT ? MAX_WINDOW_BITS : agreed.serverMaxWindowBits();
        int clientBits = agreed.clientMaxWindowBits() == ABSENT ? MAX_WINDOW_BITS : agreed.clientMaxWindowBits();
        int compressBits = server ? Math.min(serverBits, serverMaxWindowBits) : Math.min(clientBits, clientMaxWindowBits);
        boolean compressorResets = server ? agreed.serverNoContextTakeover()
                : agreed.clientNoContextTakeover() || clientNoContextTakeover;
        boolean peerResets = server ? agreed.clientNoContextTakeover() : agreed.serverNoContextTakeover();
        return new DeflateExtension(
                new MessageCompressor(compressionLevel, compressBits, compressorResets, pool),
                new MessageDecompressor(peerResets, pool),
                compressionThreshold, agreed);
    }

    /** zlib cannot compress raw DEFLATE with an 8-bit window, so never ask a peer for less than 9. */
    private static int askPeerFor(int bits) {
        return Math.max(bits, 9);
    }

    private static HandshakeException fail(String message) {
        return new HandshakeException(HandshakeException.CLIENT_SIDE_STATUS, message);
    }

    /** Builds a {@link PerMessageDeflate}; every setter checks its argument. Not thread-safe. */
    public static final class Builder {
        private int compressionLevel = 6;
        private boolean serverNoContextTakeover;
        private boolean clientNoContextTakeover;
        private int serverMaxWindowBits = MAX_WINDOW_BITS;
        private int clientMaxWindowBits = MAX_WINDOW_BITS;
        private int compressionThreshold = 64;
        private MemoryPolicy memoryPolicy = MemoryPolicy.RETAIN;
        private int poolSize = DEFAULT_POOL_SIZE;

        private Builder() {
        }

        /** zlib level: 0 (no compression, stored blocks) to 9 (best); 1 is fastest with real compression. */
        public Builder compressionLevel(int level) {
            if (level < 0 || level > 9) {
                throw new IllegalArgumentException("compression level must be 0 to 9, was " + level);
            }
            this.compressionLevel = level;
            return this;
        }

        public Builder serverNoContextTakeover(boolean on) {
            this.serverNoContextTakeover = on;
            return this;
        }

        public Builder clientNoContextTakeover(boolean on) {
            this.clientNoContextTakeover = on;
            return this;
        }

        /** 8 to 15. */
        public Builder serverMaxWindowBits(int bits) {
            this.serverMaxWindowBits = checkWindowBits(bits, "serverMaxWindowBits");
            return this;
        }

        /** 8 to 15. */
        public Builder clientMaxWindowBits(int bits) {
            this.clientMaxWindowBits = checkWindowBits(bits, "clientMaxWindowBits");
            return this;
        }

        /** Whole messages shorter than this are sent uncompressed; 0 compresses everything. */
        public Builder compressionThreshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("compressionThreshold must not be negative, was " + bytes);
            }
            this.compressionThreshold = bytes;
            return this;
        }

        public Builder memoryPolicy(MemoryPolicy policy) {
            this.memoryPolicy = java.util.Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * How many idle Deflaters and, separately, Inflaters {@link MemoryPolicy#RELEASE_WHEN_IDLE} keeps for
         * reuse across this factory's connections [16]; 0 creates and ends one per message.
         */
        public Builder idlePoolSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("idlePoolSize must not be negative, was " + size);
            }
            this.poolSize = size;
            return this;
        }

        public PerMessageDeflate build() {
            return new PerMessageDeflate(this);
        }

        private static int checkWindowBits(int bits, String what) {
            if (bits < DeflateParameters.MIN_WINDOW_BITS || bits > MAX_WINDOW_BITS) {
                throw new IllegalArgumentException(what + " must be 8 to 15, was " + bits);
            }
            return bits;
        }
    }
}
