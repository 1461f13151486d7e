package dev.duplex.core;

import dev.duplex.core.extension.Extension;
import dev.duplex.core.internal.Utf8Encoder;
import dev.duplex.core.internal.Utf8Validator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One WebSocket connection after the handshake, as a state machine without I/O (RFC 6455 sections 5-7): bytes
 * from the peer go into {@link #receive}, decoded messages come out through the {@link EngineHandler}, and every
 * byte to send, the engine's own replies included, is queued in the {@link OutboundBuffer} for the transport.
 *
 * <p><b>Threading:</b> not thread-safe; one thread drives an engine at a time (an event loop). Handler callbacks
 * run on that thread, inside {@link #receive}, and may call the send methods.
 *
 * <p><b>Errors:</b> a peer that breaks the protocol never causes an exception out of {@link #receive}: the engine
 * queues a close frame with the RFC's code, reports a {@link ProtocolException} to
 * {@link EngineHandler#onProtocolError}, and discards further input. Misuse by the caller (sending after a
 * fragmented message was started, a bad close code) raises {@link IllegalArgumentException} or
 * {@link IllegalStateException}. An exception thrown by the handler propagates to the caller of {@link #receive}.
 *
 * <p><b>Order:</b> input is processed strictly in order. When valid messages and then a violation arrive in one
 * read, the messages are delivered, and whatever the handler sends in answer is queued, before the close frame.
 *
 * <p><b>Memory:</b> complete frames that arrive whole are delivered straight from the input buffer; only
 * fragmented or partially received messages are copied, into a buffer bounded by
 * {@link EngineConfig#maxMessageSize()} and dropped after the message if it grew past 64 KiB.
 */
public final class WebSocketEngine {

    /** Where the close handshake stands. */
    public enum State {
        /** Messages flow both ways. */
        OPEN,
        /** We sent a close frame and wait for the peer's. */
        CLOSING,
        /** Both close frames were exchanged, the connection failed, or the transport ended: close the socket. */
        CLOSED
    }

    private static final int RETAINED_BUFFER_LIMIT = 64 * 1024;
    private static final int MAX_CONTROL_PAYLOAD = 125;
    private static final int MAX_CLOSE_REASON = 123;

    private final Role role;
    private final EngineConfig config;
    private final EngineHandler handler;
    private final OutboundBuffer out;
    private final Extension extension;
    private final FrameReader reader;
    private final FrameWriter writer;
    private final Inbound inbound = new Inbound();

    private boolean closeSent;
    private boolean closeReceived;
    private boolean failed;
    private boolean eofSeen;
    /** No more input is processed: a close frame arrived, the connection failed, or the transport ended. */
    private boolean inputDone;
    /** A handler asked {@link #receive} to return after the current frame ({@link #suspendInput}). */
    private boolean suspendRequested;
    private CloseStatus closeStatus;

    // incoming message
    private boolean messageOpen;
    private boolean messageText;
    private boolean messageEncoded;
    private long messageSize;
    private boolean frameFin;
    private boolean frameControl;
    private int controlOpcode;
    private final Utf8Validator utf8 = new Utf8Validator();
    private byte[] assembled;
    private int assembledLength;
    private byte[] control;
    private int controlLength;

    // outgoing fragmented message
    private boolean sendingFragments;
    private boolean sendingText;
    private boolean sendingEncoded;
    private Utf8Validator sendingUtf8;

    /**
     * @param role       which end we are; decides masking
     * @param config     limits and delivery mode
     * @param handler    receives decoded messages and events
     * @param out        where bytes to send are queued; owned by this engine from now on
     * @param extensions the extensions negotiated in the handshake, in order; at most one may use RSV bits
     */
    public WebSocketEngine(Role role, EngineConfig config, EngineHandler handler, OutboundBuffer out,
                           List<Extension> extensions) {
        this.role = role;
        this.config = config;
        this.handler = handler;
        this.out = out;
        Extension transforming = null;
        for (Extension e : extensions) {
            if (e.rsvBits() != 0) {
                if (transforming != null) {
                    throw new IllegalArgumentException("at most one extension may use RSV bits: "
                            + transforming.name() + " and " + e.name());
                }
                if ((e.rsvBits() & ~0x70) != 0) {
                    throw new IllegalArgumentException(e.name() + " claims bits outside RSV1-3");
                }
                transforming = e;
            }
        }
        this.extension = transforming;
        this.reader = new FrameReader(role, config.maxFrameSize(), transforming == null ? 0 : transforming.rsvBits());
        this.writer = new FrameWriter(role == Role.CLIENT ? new MaskKeys() : null);
    }

    /** An engine with default limits and no extensions. */
    public WebSocketEngine(Role role, EngineHandler handler, OutboundBuffer out) {
        this(role, EngineConfig.defaults(), handler, out, List.of());
    }

    public Role role() {
        return role;
    }

    public State state() {
        if (failed || eofSeen || closeSent && closeReceived) {
            return State.CLOSED;
        }
        return closeSent ? State.CLOSING : State.OPEN;
    }

    /** How the connection ended; null until {@link #state()} is {@link State#CLOSED}. */
    public CloseStatus closeStatus() {
        return state() == State.CLOSED ? closeStatus : null;
    }

    /** Bytes of input buffering this engine holds between messages (for tests of the memory bounds). */
    int retainedBytes() {
        return (assembled == null ? 0 : assembled.length) + (control == null ? 0 : control.length);
    }

    /**
     * Bytes of memory this engine holds for input: the buffers of a message being assembled (kept between messages
     * up to 64 KiB) and of a control frame. Cheap (two field reads); for a server's memory accounting.
     */
    public int bufferedInputBytes() {
        return retainedBytes();
    }

    /**
     * True while input stands in the middle of something: a frame header or payload partly received, or a
     * fragmented message not finished. A peer that goes quiet then is stalled, not idle.
     */
    public boolean isReceivingMessage() {
        return !inputDone && (messageOpen || reader.isMidFrame());
    }

    /** The queue of bytes to write to the peer. */
    public OutboundBuffer outbound() {
        return out;
    }

    // ------------------------------------------------------------------------------------------------ receiving

    /**
     * Processes bytes from the peer: everything from {@code in}'s position to its limit is consumed, unless a
     * handler callback called {@link #suspendInput()}. Payloads are unmasked in place, so {@code in} must be
     * writable. After a close frame or a failure, input is discarded.
     */
    public void receive(ByteBuffer in) {
        if (in.isReadOnly()) {
            throw new IllegalArgumentException("receive needs a writable buffer (payloads are unmasked in place)");
        }
        if (inputDone) {
            in.position(in.limit());
            return;
        }
        try {
            reader.read(in, inbound);
        } catch (ProtocolException e) {
            fail(e);
        } finally {
            suspendRequested = false;
        }
        if (inputDone) {
            in.position(in.limit());
        }
    }

    /**
     * Called from {@link EngineHandler#onText} or {@link EngineHandler#onBinary}: the current {@link #receive}
     * returns once this message's last frame is consumed, leaving the rest of its input unread (from the buffer's
     * position), for the caller to pass to {@code receive} later. A client whose answers to a message are sent
     * asynchronously uses it so that they precede the close frame of a protocol violation that follows the
     * message in the same read.
     */
    public void suspendInput() {
        suspendRequested = true;
    }

    /** The transport ended (the peer closed TCP or the read failed). Without a close handshake this is 1006. */
    public void receiveEof() {
        if (eofSeen) {
            return;
        }
        eofSeen = true;
        inputDone = true;
        if (closeStatus == null) {
            closeStatus = new CloseStatus(CloseCodes.ABNORMAL_CLOSURE, "", false);
        }
        releaseExtension();
        releaseMessageBuffer();
    }

    private void fail(ProtocolException e) {
        if (inputDone) {
            return;
        }
        inputDone = true;
        failed = true;
        if (!closeSent) {
            writeClose(e.closeCode(), truncateReason(e.getMessage()));
        }
        closeStatus = new CloseStatus(e.closeCode(), e.getMessage() == null ? "" : e.getMessage(), false);
        releaseExtension();
        releaseMessageBuffer();
        handler.onProtocolError(e);
    }

    private final class Inbound implements FrameReader.Listener {
        @Override
        public void onFrameStart(int opcode, boolean fin, int rsv, long length) {
            frameControl = Opcode.isControl(opcode);
            if (frameControl) {
                controlOpcode = opcode;
                controlLength = 0;
                return;
            }
            if (opcode == Opcode.CONTINUATION) {
                if (!messageOpen) {
                    throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "continuation frame with no message open");
                }
            } else {
                if (messageOpen) {
                    throw new ProtocolException(CloseCodes.PROTOCOL_ERROR,
                            Opcode.name(opcode) + " frame while a fragmented message is still open");
                }
                messageOpen = true;
                messageText = opcode == Opcode.TEXT;
                messageEncoded = rsv != 0;
                messageSize = 0;
                utf8.reset();
            }
            frameFin = fin;
            if (!messageEncoded && messageSize + length > config.maxMessageSize()) {
                throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG, "message of at least " + (messageSize + length)
                        + " bytes is over the limit of " + config.maxMessageSize());
            }
        }

        @Override
        public boolean onPayload(ByteBuffer in, int pos, int len, boolean frameEnd) {
            if (frameControl) {
                return onControlPayload(in, pos, len, frameEnd);
            }
            boolean messageEnd = frameEnd && frameFin;
            if (messageEncoded) {
                int limit = in.limit(); // before window() narrows it: the frames after this one are in there
                ByteBuffer piece = window(in, pos, len);
                try {
                    extension.decode(piece, messageEnd, decoded);
                } finally {
                    in.limit(limit);
                }
                if (messageEnd) {
                    endMessage();
                }
            } else {
                acceptPlain(in, pos, len, messageEnd);
            }
            return !suspendRequested;
        }
    }

    private final Extension.PayloadSink decoded = this::acceptDecoded;

    private void acceptDecoded(ByteBuffer piece) {
        long newSize = messageSize + piece.remaining();
        if (newSize > config.maxMessageSize()) {
            throw new ProtocolException(CloseCodes.MESSAGE_TOO_BIG,
                    "decompressed message is over the limit of " + config.maxMessageSize() + " bytes");
        }
        int pos = piece.position();
        int limit = piece.limit();
        acceptPlainPiece(piece, pos, piece.remaining(), false);
        piece.limit(limit).position(pos);
    }

    private void acceptPlain(ByteBuffer in, int pos, int len, boolean messageEnd) {
        int limit = in.limit();
        acceptPlainPiece(in, pos, len, messageEnd);
        in.limit(limit).position(pos);
        if (messageEnd) {
            endMessage();
        }
    }

    /** Validates and delivers or assembles one piece of message data; may change {@code buf}'s position and limit. */
    private void acceptPlainPiece(ByteBuffer buf, int pos, int len, boolean messageEnd) {
        messageSize += len;
        if (messageText && !utf8.feed(buf, pos, len)) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
        }
        if (config.streaming()) {
            if (messageEnd && messageText && !utf8.isComplete()) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            }
            if (len > 0 || messageEnd) {
                handler.onMessageChunk(messageText, window(buf, pos, len), messageEnd);
                if (messageEnd) {
                    messageOpen = false;
                }
            }
            return;
        }
        if (messageEnd && assembledLength == 0) {
            if (messageText && !utf8.isComplete()) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            }
            messageOpen = false;
            deliver(window(buf, pos, len));
            return;
        }
        append(buf, pos, len);
    }

    private void endMessage() {
        if (!messageOpen) {
            return;
        }
        if (messageText && !utf8.isComplete()) {
            throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
        }
        messageOpen = false;
        if (config.streaming()) {
            handler.onMessageChunk(messageText, ByteBuffer.allocate(0), true);
            return;
        }
        ByteBuffer message = assembled == null ? ByteBuffer.allocate(0) : ByteBuffer.wrap(assembled, 0, assembledLength);
        assembledLength = 0;
        if (assembled != null && assembled.length > RETAINED_BUFFER_LIMIT) {
            assembled = null;
        }
        deliver(message);
    }

    private void deliver(ByteBuffer message) {
        if (messageText) {
            handler.onText(message);
        } else {
            handler.onBinary(message);
        }
    }

    private void append(ByteBuffer buf, int pos, int len) {
        int needed = assembledLength + len;
        if (assembled == null || needed > assembled.length) {
            long grown = Math.max(needed, Math.min(config.maxMessageSize(), 2L * (assembled == null ? 0 : assembled.length)));
            byte[] bigger = new byte[(int) Math.max(grown, Math.min(256, config.maxMessageSize()))];
            if (assembled != null) {
                System.arraycopy(assembled, 0, bigger, 0, assembledLength);
            }
            assembled = bigger;
        }
        buf.get(pos, assembled, assembledLength, len);
        assembledLength = needed;
    }

    private boolean onControlPayload(ByteBuffer in, int pos, int len, boolean frameEnd) {
        if (frameEnd && controlLength == 0) {
            int limit = in.limit();
            try {
                return handleControl(window(in, pos, len));
            } finally {
                in.limit(limit).position(pos);
            }
        }
        if (control == null) {
            control = new byte[MAX_CONTROL_PAYLOAD];
        }
        in.get(pos, control, controlLength, len);
        controlLength += len;
        if (!frameEnd) {
            return true;
        }
        return handleControl(ByteBuffer.wrap(control, 0, controlLength));
    }

    /** Returns false when reading must stop (a close frame arrived). */
    private boolean handleControl(ByteBuffer payload) {
        switch (controlOpcode) {
            case Opcode.PING:
                if (config.autoPong() && !closeSent) {
                    writer.write(out, FrameWriter.FIN | Opcode.PONG, payload);
                }
                handler.onPing(payload);
                return true;
            case Opcode.PONG:
                handler.onPong(payload);
                return true;
            default:
                onClose(payload);
                return false;
        }
    }

    private void onClose(ByteBuffer payload) {
        int length = payload.remaining();
        int code;
        String reason = "";
        if (length == 0) {
            code = CloseCodes.NO_STATUS_RECEIVED;
        } else if (length == 1) {
            throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte payload");
        } else {
            code = payload.getShort(payload.position()) & 0xFFFF;
            if (!CloseCodes.isValidOnWire(code)) {
                throw new ProtocolException(CloseCodes.PROTOCOL_ERROR, "close code " + code + " may not be sent");
            }
            ByteBuffer reasonBytes = payload.duplicate().position(payload.position() + 2);
            if (!Utf8Validator.isValid(reasonBytes)) {
                throw new ProtocolException(CloseCodes.INVALID_PAYLOAD, "close reason is not valid UTF-8");
            }
            reason = StandardCharsets.UTF_8.decode(reasonBytes).toString();
        }
        closeReceived = true;
        inputDone = true;
        if (!closeSent) {
            writeClose(code, "");
        }
        closeStatus = new CloseStatus(code, reason, true);
        releaseExtension();
        releaseMessageBuffer();
        handler.onCloseReceived(closeStatus);
    }

    /** Sets {@code buf}'s position and limit to the given window and returns it (no allocation). */
    private static ByteBuffer window(ByteBuffer buf, int pos, int len) {
        buf.limit(pos + len).position(pos);
        return buf;
    }

    // -------------------------------------------------------------------------------------------------- sending

    /**
     * Sends a text message. Lone surrogates become U+FFFD.
     *
     * @return false when nothing was sent because a close frame has already been sent or the transport ended
     * @throws IllegalStateException while a fragmented message started with {@link #sendFragment} is open
     */
    public boolean sendText(CharSequence text) {
        if (!canSendMessage()) {
            return false;
        }
        byte[] utf8 = Utf8Encoder.encode(text);
        if (extension == null && config.fragmentSize() == 0 && !writer.masks()) {
            writer.writeHeaderForPayload(out, FrameWriter.FIN | Opcode.TEXT, utf8.length).put(utf8);
            return true;
        }
        sendMessage(Opcode.TEXT, ByteBuffer.wrap(utf8));
        return true;
    }

    /**
     * Sends a text message already encoded as UTF-8 ({@code utf8}'s remaining bytes; its position is unchanged).
     *
     * @throws IllegalArgumentException if the bytes are not valid UTF-8
     */
    public boolean sendText(ByteBuffer utf8) {
        if (!Utf8Validator.isValid(utf8)) {
            throw new IllegalArgumentException("text message is not valid UTF-8");
        }
        if (!canSendMessage()) {
            return false;
        }
        sendMessage(Opcode.TEXT, utf8);
        return true;
    }

    /** Sends a binary message: {@code data}'s remaining bytes, copied; its position is unchanged. */
    public boolean sendBinary(ByteBuffer data) {
        if (!canSendMessage()) {
            return false;
        }
        sendMessage(Opcode.BINARY, data);
        return true;
    }

    /**
     * Sends one fragment of a message streamed piece by piece: the first call opens the message (text or binary),
     * the call with {@code last} closes it. Control frames may be sent in between; whole messages may not.
     *
     * @throws IllegalArgumentException if {@code text} differs from the open message's type, or text fragments
     *                                  so far are not valid UTF-8 (a code point may span fragments)
     */
    public boolean sendFragment(boolean text, ByteBuffer data, boolean last) {
        if (closeSent || eofSeen) {
            return false;
        }
        int opcode;
        int rsv = 0;
        if (!sendingFragments) {
            sendingFragments = true;
            sendingText = text;
            opcode = text ? Opcode.TEXT : Opcode.BINARY;
            sendingEncoded = extension != null && extension.shouldEncode(text, -1);
            rsv = sendingEncoded ? extension.rsvBits() : 0;
            if (text) {
                if (sendingUtf8 == null) {
                    sendingUtf8 = new Utf8Validator();
                }
                sendingUtf8.reset();
            }
        } else {
            if (text != sendingText) {
                throw new IllegalArgumentException("the open fragmented message is " + (sendingText ? "text" : "binary"));
            }
            opcode = Opcode.CONTINUATION;
        }
        if (text && (!sendingUtf8.feed(data, data.position(), data.remaining()) || last && !sendingUtf8.isComplete())) {
            throw new IllegalArgumentException("text fragments are not valid UTF-8");
        }
        ByteBuffer payload = sendingEncoded ? extension.encode(data, last) : data;
        writer.write(out, (last ? FrameWriter.FIN : 0) | rsv | opcode, payload);
        if (last) {
            sendingFragments = false;
        }
        return true;
    }

    /** Sends a ping; {@code payload}'s remaining bytes, at most 125. */
    public boolean ping(ByteBuffer payload) {
        return sendControl(Opcode.PING, payload);
    }

    /** Sends an unsolicited pong (a one-way heartbeat); at most 125 bytes. */
    public boolean pong(ByteBuffer payload) {
        return sendControl(Opcode.PONG, payload);
    }

    /**
     * Starts the close handshake, or answers the peer's close if the application wants a code of its own.
     *
     * @param code   a code valid on the wire ({@link CloseCodes#isValidOnWire}), or
     *               {@link CloseCodes#NO_STATUS_RECEIVED} to send a close frame without a payload
     * @param reason at most 123 bytes of UTF-8; empty for none
     * @return false if a close frame was already sent
     */
    public boolean close(int code, String reason) {
        if (code != CloseCodes.NO_STATUS_RECEIVED && !CloseCodes.isValidOnWire(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent");
        }
        if (code == CloseCodes.NO_STATUS_RECEIVED && !reason.isEmpty()) {
            throw new IllegalArgumentException("a reason needs a close code");
        }
        if (Utf8Encoder.encodedLength(reason) > MAX_CLOSE_REASON) {
            throw new IllegalArgumentException("close reason longer than 123 UTF-8 bytes");
        }
        if (closeSent || eofSeen) {
            return false;
        }
        writeClose(code, reason);
        return true;
    }

    /**
     * Queues a frame encoded once for many connections (server only, no message-transforming extension).
     *
     * @throws IllegalStateException on a client, on a connection with a transforming extension, or while a
     *                               fragmented message is open
     */
    public boolean sendEncoded(EncodedFrame frame) {
        if (role != Role.SERVER || extension != null) {
            throw new IllegalStateException("shared frames need a server connection without a transforming extension");
        }
        if (!canSendMessage()) {
            return false;
        }
        out.appendShared(frame.bytes());
        return true;
    }

    private boolean canSendMessage() {
        if (sendingFragments) {
            throw new IllegalStateException("a fragmented message is open: finish it with sendFragment(..., true)");
        }
        return !closeSent && !eofSeen;
    }

    private void sendMessage(int opcode, ByteBuffer data) {
        ByteBuffer payload = data;
        int rsv = 0;
        if (extension != null && extension.shouldEncode(opcode == Opcode.TEXT, data.remaining())) {
            payload = extension.encode(data.duplicate(), true);
            rsv = extension.rsvBits();
        }
        int fragment = config.fragmentSize();
        if (fragment == 0 || payload.remaining() <= fragment) {
            writer.write(out, FrameWriter.FIN | rsv | opcode, payload);
            return;
        }
        ByteBuffer piece = payload.duplicate();
        int end = payload.limit();
        int first = rsv | opcode;
        while (piece.position() < end) {
            int next = Math.min(end, piece.position() + fragment);
            piece.limit(next);
            writer.write(out, (next == end ? FrameWriter.FIN : 0) | first, piece);
            piece.limit(end).position(next);
            first = Opcode.CONTINUATION;
        }
    }

    private boolean sendControl(int opcode, ByteBuffer payload) {
        if (payload.remaining() > MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException(Opcode.name(opcode) + " payload over 125 bytes");
        }
        if (closeSent || eofSeen) {
            return false;
        }
        writer.write(out, FrameWriter.FIN | opcode, payload);
        return true;
    }

    private void writeClose(int code, String reason) {
        closeSent = true;
        if (code == CloseCodes.NO_STATUS_RECEIVED) {
            writer.write(out, FrameWriter.FIN | Opcode.CLOSE, ByteBuffer.allocate(0));
            return;
        }
        byte[] reasonBytes = Utf8Encoder.encode(reason);
        ByteBuffer payload = ByteBuffer.allocate(2 + reasonBytes.length).putShort((short) code).put(reasonBytes).flip();
        writer.write(out, FrameWriter.FIN | Opcode.CLOSE, payload);
    }

    private static String truncateReason(String message) {
        if (message == null) {
            return "";
        }
        String r = message;
        while (Utf8Encoder.encodedLength(r) > MAX_CLOSE_REASON) {
            r = r.substring(0, r.length() - 1);
            if (!r.isEmpty() && Character.isHighSurrogate(r.charAt(r.length() - 1))) {
                r = r.substring(0, r.length() - 1);
            }
        }
        return r;
    }

    /**
     * Input is over (close received, EOF, protocol error): the buffer of a message being assembled (up to the
     * maximum message size) goes now, not when the owner drops the engine, which may be long after the close.
     */
    private void releaseMessageBuffer() {
        assembled = null;
        assembledLength = 0;
    }

    private void releaseExtension() {
        if (extension != null) {
            extension.release();
        }
    }
}
