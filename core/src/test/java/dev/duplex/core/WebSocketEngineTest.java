package dev.duplex.core;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static dev.duplex.core.Frames.client;
import static dev.duplex.core.Frames.closePayload;
import static dev.duplex.core.Frames.concat;
import static dev.duplex.core.Frames.hex;
import static dev.duplex.core.Frames.server;
import static dev.duplex.core.Frames.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebSocketEngineTest {

    /** The examples of RFC 6455 section 5.7, byte for byte. */
    @Nested
    class Rfc6455Examples {
        @Test
        void singleFrameUnmaskedText() {
            EngineFixture c = EngineFixture.client().feed(hex("81 05 48 65 6c 6c 6f"));
            assertEquals(List.of("text:Hello"), c.events());
        }

        @Test
        void singleFrameMaskedText() {
            EngineFixture s = EngineFixture.server().feed(hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
            assertEquals(List.of("text:Hello"), s.events());
        }

        @Test
        void fragmentedUnmaskedText() {
            EngineFixture c = EngineFixture.client().feed(hex("01 03 48 65 6c")).feed(hex("80 02 6c 6f"));
            assertEquals(List.of("text:Hello"), c.events());
        }

        @Test
        void unmaskedPingIsAnsweredWithAMaskedPongOfTheSamePayload() {
            EngineFixture c = EngineFixture.client().feed(hex("89 05 48 65 6c 6c 6f"));
            assertEquals(List.of("ping:48656c6c6f"), c.events());
            EngineFixture s = EngineFixture.server().feed(c.sent());
            assertEquals(List.of("pong:48656c6c6f"), s.events());
        }

        @Test
        void maskedPongIsAccepted() {
            EngineFixture s = EngineFixture.server().feed(hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
            assertEquals(List.of("pong:48656c6c6f"), s.events());
            assertEquals(0, s.engine.outbound().size(), "an unsolicited pong needs no answer");
        }

        @Test
        void serverWritesHelloExactlyAsTheRfc() {
            EngineFixture s = EngineFixture.server();
            s.engine.sendText("Hello");
            assertArrayEquals(hex("81 05 48 65 6c 6c 6f"), s.sent());
        }

        @Test
        void binary256BytesUses16BitLength() {
            byte[] payload = new byte[256];
            Arrays.fill(payload, (byte) 7);
            EngineFixture s = EngineFixture.server();
            s.engine.sendBinary(ByteBuffer.wrap(payload));
            byte[] wire = s.sent();
            assertArrayEquals(hex("82 7e 01 00"), Arrays.copyOf(wire, 4));
            assertEquals(4 + 256, wire.length);
            EngineFixture c = EngineFixture.client().feed(wire);
            assertEquals(List.of("binary:256"), c.events());
        }

        @Test
        void binary64KiBUses64BitLength() {
            byte[] payload = new byte[65536];
            EngineFixture s = EngineFixture.server();
            s.engine.sendBinary(ByteBuffer.wrap(payload));
            byte[] wire = s.sent();
            assertArrayEquals(hex("82 7f 00 00 00 00 00 01 00 00"), Arrays.copyOf(wire, 10));
            EngineFixture c = EngineFixture.client().feed(wire);
            assertEquals(List.of("binary:65536"), c.events());
        }
    }

    @Nested
    class Framing {
        @ParameterizedTest
        @ValueSource(ints = {0, 1, 125, 126, 127, 65535, 65536, 70000})
        void writesTheShortestLengthForm(int length) {
            EngineFixture s = EngineFixture.server();
            s.engine.sendBinary(ByteBuffer.allocate(length));
            byte[] wire = s.sent();
            int expectedHeader = length < 126 ? 2 : length <= 65535 ? 4 : 10;
            assertEquals(expectedHeader + length, wire.length);
            int len7 = wire[1] & 0x7F;
            assertEquals(length < 126 ? length : length <= 65535 ? 126 : 127, len7);
        }

        @Test
        void clientMasksEveryFrameWithAFreshKeyAndLeavesThePayloadAlone() {
            EngineFixture c = EngineFixture.client();
            ByteBuffer payload = ByteBuffer.wrap(utf8("same payload"));
            c.engine.sendBinary(payload);
            c.engine.sendBinary(payload);
            assertEquals(0, payload.position());
            assertArrayEquals(utf8("same payload"), payload.array());
            byte[] wire = c.sent();
            int frameLength = 2 + 4 + 12;
            assertEquals(2 * frameLength, wire.length);
            assertTrue((wire[1] & 0x80) != 0 && (wire[frameLength + 1] & 0x80) != 0, "mask bit set");
            byte[] key1 = Arrays.copyOfRange(wire, 2, 6);
            byte[] key2 = Arrays.copyOfRange(wire, frameLength + 2, frameLength + 6);
            assertFalse(Arrays.equals(key1, key2), "each frame gets its own key");
            EngineFixture s = EngineFixture.server().feed(wire);
            assertEquals(List.of("binary:12", "binary:12"), s.events());
            assertArrayEquals(utf8("same payload"), s.handler.payloads.get(1));
        }

        @Test
        void serverFailsAnUnmaskedClientFrame() {
            EngineFixture s = EngineFixture.server().feed(server(0x81, utf8("hi")));
            assertEquals(List.of("error:1002"), s.events());
            assertTrue(s.handler.error.getMessage().contains("unmasked"), s.handler.error.getMessage());
            assertEquals(WebSocketEngine.State.CLOSED, s.engine.state());
        }

        @Test
        void clientFailsAMaskedServerFrame() {
            EngineFixture c = EngineFixture.client().feed(client(0x81, utf8("hi")));
            assertEquals(List.of("error:1002"), c.events());
        }

        @ParameterizedTest
        @ValueSource(ints = {0x40, 0x20, 0x10, 0x70})
        void rsvBitsWithoutAnExtensionFail(int rsv) {
            EngineFixture s = EngineFixture.server().feed(client(0x80 | rsv | 0x1, utf8("x")));
            assertEquals(List.of("error:1002"), s.events());
        }

        @ParameterizedTest
        @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
        void reservedOpcodesFail(int opcode) {
            EngineFixture s = EngineFixture.server().feed(client(0x80 | opcode, new byte[0]));
            assertEquals(List.of("error:1002"), s.events());
        }

        @Test
        void headerRulesFailAsSoonAsTwoBytesArrive() {
            EngineFixture s = EngineFixture.server().feed(hex("83 85"));
            assertEquals(List.of("error:1002"), s.events());
        }

        @Test
        void the64BitLengthMustNotHaveItsTopBitSet() {
            EngineFixture c = EngineFixture.client().feed(hex("82 7f 80 00 00 00 00 00 00 00"));
            assertEquals(List.of("error:1002"), c.events());
        }

        @Test
        void anyChunkingGivesTheSameEvents() {
            byte[] wire = concat(client(0x01, utf8("Hel")), client(0x89, utf8("p")), client(0x80, utf8("lo")),
                    client(0x82, new byte[300]), client(0x81, utf8("€uro")));
            EngineFixture whole = EngineFixture.server().feed(wire);
            EngineFixture bytewise = EngineFixture.server().feedBytewise(wire);
            assertEquals(List.of("ping:70", "text:Hello", "binary:300", "text:€uro"), whole.events());
            assertEquals(whole.events(), bytewise.events());
            assertArrayEquals(whole.sent(), bytewise.sent());
        }
    }

    @Nested
    class ControlFrames {
        @Test
        void controlFrameOver125BytesFails() {
            EngineFixture s = EngineFixture.server().feed(client(0x89, new byte[126]));
            assertEquals(List.of("error:1002"), s.events());
        }

        @Test
        void controlFrameOfExactly125BytesIsFine() {
            EngineFixture s = EngineFixture.server().feed(client(0x89, new byte[125]));
            assertEquals(1, s.events().size());
            assertTrue(s.events().get(0).startsWith("ping:"));
        }

        @Test
        void fragmentedControlFrameFails() {
            EngineFixture s = EngineFixture.server().feed(client(0x09, utf8("x")));
            assertEquals(List.of("error:1002"), s.events());
        }

        @Test
        void controlFramesMayArriveBetweenFragments() {
            EngineFixture s = EngineFixture.server().feed(concat(client(0x02, new byte[3]), client(0x8A, utf8("p")),
                    client(0x00, new byte[2]), client(0x89, utf8("q")), client(0x80, new byte[1])));
            assertEquals(List.of("pong:70", "ping:71", "binary:6"), s.events());
        }

        @Test
        void pingSplitAcrossReadsIsAnsweredOnce() {
            byte[] ping = client(0x89, utf8("abcdef"));
            EngineFixture s = EngineFixture.server().feed(Arrays.copyOf(ping, 8)).feed(Arrays.copyOfRange(ping, 8, ping.length));
            EngineFixture c = EngineFixture.client().feed(s.sent());
            assertEquals(List.of("pong:" + java.util.HexFormat.of().formatHex(utf8("abcdef"))), c.events());
        }

        @Test
        void autoPongCanBeSwitchedOff() {
            EngineFixture s = EngineFixture.of(Role.SERVER, EngineConfig.builder().autoPong(false).build());
            s.feed(client(0x89, utf8("x")));
            assertEquals(List.of("ping:78"), s.events());
            assertEquals(0, s.engine.outbound().size());
        }
    }

    @Nested
    class Fragmentation {
        @Test
        void continuationWithoutAnOpenMessageFails() {
            EngineFixture s = EngineFixture.server().feed(client(0x80, utf8("x")));
            assertEquals(List.of("error:1002"), s.events());
        }

        @Test
        void newDataFrameWhileAMessageIsOpenFails() {
            EngineFixture s = EngineFixture.server().feed(concat(client(0x01, utf8("a")), client(0x81, utf8("b"))));
            assertEquals(List.of("error:1002"), s.events());
        }

        @Test
        void outgoingFragmentsStreamAMessage() {
            EngineFixture c = EngineFixture.client();
            c.engine.sendFragment(true, ByteBuffer.wrap(hex("e2 82")), false);
            c.engine.ping(ByteBuffer.wrap(utf8("k")));
            c.engine.sendFragment(true, ByteBuffer.wrap(hex("ac")), true);
            EngineFixture s = EngineFixture.server().feed(c.sent());
            assertEquals(List.of("ping:6b", "text:€"), s.events());
        }

        @Test
        void wholeMessageWhileFragmentsAreOpenIsRefused() {
            EngineFixture c = EngineFixture.client();
            c.engine.sendFragment(false, ByteBuffer.allocate(1), false);
            assertThrows(IllegalStateException.class, () -> c.engine.sendText("x"));
            assertThrows(IllegalArgumentException.class, () -> c.engine.sendFragment(true, ByteBuffer.allocate(1), true));
        }

        @Test
        void invalidOutgoingTextFragmentsAreRefused() {
            EngineFixture c = EngineFixture.client();
            c.engine.sendFragment(true, ByteBuffer.wrap(hex("e2 82")), false);
            assertThrows(IllegalArgumentException.class, () -> c.engine.sendFragment(true, ByteBuffer.wrap(hex("41")), true));
        }

        @Test
        void configuredFragmentSizeSplitsOutgoingMessages() {
            EngineFixture s = EngineFixture.of(Role.SERVER, EngineConfig.builder().fragmentSize(100).build());
            s.engine.sendBinary(ByteBuffer.allocate(250));
            byte[] wire = s.sent();
            assertEquals(0x02, wire[0] & 0xFF);
            assertEquals(3 * 2 + 250, wire.length);
            EngineFixture c = EngineFixture.client().feed(wire);
            assertEquals(List.of("binary:250"), c.events());
        }
    }

    @Nested
    class Utf8 {
        @Test
        void invalidUtf8FailsWith1007() {
            EngineFixture s = EngineFixture.server().feed(client(0x81, hex("ce ba e1 bd b9 cf 83 ce bc ce b5 ed a0 80 65 64")));
            assertEquals(List.of("error:1007"), s.events());
        }

        @Test
        void failsBeforeTheRestOfTheFrameArrives() {
            byte[] payload = new byte[100];
            Arrays.fill(payload, (byte) 'a');
            payload[5] = (byte) 0xFF;
            byte[] wire = client(0x81, payload);
            EngineFixture s = EngineFixture.server().feed(Arrays.copyOf(wire, 6 + 10));
            assertEquals(List.of("error:1007"), s.events(), "checked while the frame is still partial");
        }

        @Test
        void failsInAnEarlyFragmentWithoutWaitingForTheEnd() {
            EngineFixture s = EngineFixture.server().feed(client(0x01, hex("41 c0 80")));
            assertEquals(List.of("error:1007"), s.events());
        }

        @Test
        void codePointsMaySpanFragments() {
            EngineFixture s = EngineFixture.server().feed(concat(client(0x01, hex("f0 9f")), client(0x00, hex("98")),
                    client(0x80, hex("80"))));
            assertEquals(List.of("text:\uD83D\uDE00"), s.events());
        }

        @Test
        void messageEndingInsideACodePointFails() {
            EngineFixture s = EngineFixture.server().feed(concat(client(0x01, hex("41")), client(0x80, hex("e2 82"))));
            assertEquals(List.of("error:1007"), s.events());
        }

        @Test
        void loneSurrogatesAreSentAsReplacementCharacter() {
            EngineFixture s = EngineFixture.server();
            s.engine.sendText("a\uD800b");
            EngineFixture c = EngineFixture.client().feed(s.sent());
            assertEquals(List.of("text:a\uFFFDb"), c.events());
        }

        @Test
        void sendingInvalidUtf8BytesAsTextIsRefused() {
            EngineFixture s = EngineFixture.server();
            assertThrows(IllegalArgumentException.class, () -> s.engine.sendText(ByteBuffer.wrap(hex("c0 80"))));
            assertEquals(0, s.engine.outbound().size());
        }
    }

    @Nested
    class Closing {
        @ParameterizedTest
        @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999})
        void validCloseCodesAreEchoed(int code) {
            EngineFixture s = EngineFixture.server().feed(client(0x88, closePayload(code, "bye")));
            assertEquals(List.of("close:" + code + ":bye"), s.events());
            EngineFixture c = EngineFixture.client().feed(s.sent());
            assertEquals(List.of("close:" + code + ":"), c.events());
            assertEquals(WebSocketEngine.State.CLOSED, s.engine.state());
            assertEquals(new CloseStatus(code, "bye", true), s.engine.closeStatus());
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
        void invalidCloseCodesFailWith1002(int code) {
            EngineFixture s = EngineFixture.server().feed(client(0x88, closePayload(code, "")));
            assertEquals(List.of("error:1002"), s.events());
            assertEquals(1002, s.engine.closeStatus().code());
            assertFalse(s.engine.closeStatus().wasClean());
        }

        @Test
        void emptyCloseIsAnsweredWithAnEmptyClose() {
            EngineFixture s = EngineFixture.server().feed(client(0x88, new byte[0]));
            assertEquals(List.of("close:1005:"), s.events());
            assertArrayEquals(hex("88 00"), s.sent());
        }

        @Test
        void oneByteClosePayloadFails() {
            EngineFixture s = EngineFixture.server().feed(client(0x88, new byte[]{3}));
            assertEquals(List.of("error:1002"), s.events());
        }

        @Test
        void invalidUtf8ReasonFailsWith1007() {
            byte[] payload = concat(closePayload(1000, ""), hex("ff"));
            EngineFixture s = EngineFixture.server().feed(client(0x88, payload));
            assertEquals(List.of("error:1007"), s.events());
        }

        @Test
        void nothingIsSentAfterTheCloseFrame() {
            EngineFixture s = EngineFixture.server();
            assertTrue(s.engine.close(1000, "done"));
            byte[] closeFrame = s.sent();
            assertEquals(WebSocketEngine.State.CLOSING, s.engine.state());
            assertFalse(s.engine.sendText("late"));
            assertFalse(s.engine.sendBinary(ByteBuffer.allocate(1)));
            assertFalse(s.engine.ping(ByteBuffer.allocate(0)));
            assertFalse(s.engine.close(1000, ""));
            s.feed(client(0x89, utf8("x")));
            assertEquals(0, s.engine.outbound().size(), "no pong after our close");
            s.feed(client(0x88, closePayload(1000, "ok")));
            assertEquals(0, s.engine.outbound().size(), "no second close");
            assertEquals(WebSocketEngine.State.CLOSED, s.engine.state());
            assertEquals(new CloseStatus(1000, "ok", true), s.engine.closeStatus());
            assertArrayEquals(concat(hex("88 06 03 e8"), utf8("done")), closeFrame);
        }

        @Test
        void dataAfterTheCloseFrameIsIgnored() {
            EngineFixture s = EngineFixture.server().feed(concat(client(0x88, closePayload(1000, "")), client(0x81, utf8("x"))));
            assertEquals(List.of("close:1000:"), s.events());
        }

        @Test
        void eofWithoutCloseHandshakeIs1006() {
            EngineFixture s = EngineFixture.server().feed(client(0x01, utf8("part")));
            s.engine.receiveEof();
            assertEquals(new CloseStatus(1006, "", false), s.engine.closeStatus());
            assertEquals(WebSocketEngine.State.CLOSED, s.engine.state());
        }

        @Test
        void eofWhileClosingIsNotClean() {
            EngineFixture s = EngineFixture.server();
            s.engine.close(1000, "");
            assertNull(s.engine.closeStatus());
            s.engine.receiveEof();
            assertEquals(new CloseStatus(1006, "", false), s.engine.closeStatus());
        }

        @Test
        void closeArgumentsAreChecked() {
            EngineFixture s = EngineFixture.server();
            assertThrows(IllegalArgumentException.class, () -> s.engine.close(1006, ""));
            assertThrows(IllegalArgumentException.class, () -> s.engine.close(1000, "x".repeat(124)));
            assertThrows(IllegalArgumentException.class, () -> s.engine.close(1005, "reason"));
            assertTrue(s.engine.close(1000, "é".repeat(61)), "122 bytes of reason fit");
        }

        @Test
        void failureQueuesACloseFrameWithTheCode() {
            EngineFixture s = EngineFixture.server().feed(client(0x81, hex("ff")));
            EngineFixture c = EngineFixture.client().feed(s.sent());
            assertEquals(1, c.events().size());
            assertTrue(c.events().get(0).startsWith("close:1007:"), c.events().toString());
            assertTrue(c.handler.closeReceived.reason().contains("UTF-8"));
        }
    }

    @Nested
    class Limits {
        @Test
        void frameOverTheLimitFailsWith1009FromItsHeader() {
            EngineFixture s = EngineFixture.of(Role.SERVER, EngineConfig.builder().maxFrameSize(1000).build());
            byte[] wire = client(0x82, new byte[1001]);
            s.feed(Arrays.copyOf(wire, 8));
            assertEquals(List.of("error:1009"), s.events());
        }

        @Test
        void messageOverTheLimitAcrossFragmentsFailsWith1009() {
            EngineFixture s = EngineFixture.of(Role.SERVER, EngineConfig.builder().maxMessageSize(1000).build());
            s.feed(concat(client(0x02, new byte[600]), client(0x80, new byte[600])));
            assertEquals(List.of("error:1009"), s.events());
        }

        @Test
        void messageAtTheLimitIsDelivered() {
            EngineFixture s = EngineFixture.of(Role.SERVER, EngineConfig.builder().maxMessageSize(1000).build());
            s.feed(concat(client(0x02, new byte[400]), client(0x80, new byte[600])));
            assertEquals(List.of("binary:1000"), s.events());
        }

        @Test
        void streamingDeliversPiecesWithoutAssembling() {
            EngineConfig config = EngineConfig.builder().streaming(true).maxMessageSize(Long.MAX_VALUE).build();
            EngineFixture s = EngineFixture.of(Role.SERVER, config);
            byte[] first = client(0x02, new byte[1000]);
            s.feed(Arrays.copyOf(first, 508)).feed(Arrays.copyOfRange(first, 508, first.length));
            s.feed(client(0x80, new byte[10]));
            assertEquals(List.of("chunk:binary:500", "chunk:binary:500", "chunk:binary:10:last"), s.events());
        }

        @Test
        void streamingTextIsStillValidatedFailFast() {
            EngineConfig config = EngineConfig.builder().streaming(true).build();
            EngineFixture s = EngineFixture.of(Role.SERVER, config);
            s.feed(concat(client(0x01, utf8("ok")), client(0x80, hex("ed a0 80"))));
            assertEquals(List.of("chunk:text:2", "error:1007"), s.events());
        }

        @Test
        void assemblyBufferIsDroppedAfterALargeMessage() {
            EngineFixture s = EngineFixture.server();
            s.feed(concat(client(0x02, new byte[100_000]), client(0x80, new byte[100_000])));
            assertEquals(List.of("binary:200000"), s.events());
            assertEquals(0, s.engine.retainedBytes(), "no 200 KB buffer kept for an idle connection");
        }
    }

    @Nested
    class Order {
        @Test
        void repliesToValidMessagesGoOutBeforeTheFailure() {
            RecordingHandler echo = new RecordingHandler() {
                WebSocketEngine engine;

                @Override
                public void onText(ByteBuffer utf8) {
                    super.onText(utf8);
                    engine.sendText(utf8);
                }
            };
            EngineFixture s = new EngineFixture(Role.SERVER, EngineConfig.defaults(), echo, List.of());
            try {
                var field = echo.getClass().getDeclaredField("engine");
                field.setAccessible(true);
                field.set(echo, s.engine);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
            s.feed(concat(client(0x81, utf8("one")), client(0x81, utf8("two")), client(0x83, new byte[0]),
                    client(0x81, utf8("never"))));
            assertEquals(List.of("text:one", "text:two", "error:1002"), s.events());
            EngineFixture c = EngineFixture.client().feed(s.sent());
            assertEquals(3, c.events().size());
            assertEquals(List.of("text:one", "text:two"), c.events().subList(0, 2));
            assertTrue(c.events().get(2).startsWith("close:1002:"));
        }
    }

    @Test
    void sharedEncodedFramesAreQueuedAsIs() {
        EncodedFrame frame = EncodedFrame.text("Hello");
        EngineFixture a = EngineFixture.server();
        EngineFixture b = EngineFixture.server();
        a.engine.sendText("x");
        a.engine.sendEncoded(frame);
        b.engine.sendEncoded(frame);
        assertArrayEquals(concat(hex("81 01 78"), hex("81 05 48 65 6c 6c 6f")), a.sent());
        assertArrayEquals(hex("81 05 48 65 6c 6c 6f"), b.sent());
        assertThrows(IllegalStateException.class, () -> EngineFixture.client().engine.sendEncoded(frame));
    }

    @Test
    void nothingCanBeQueuedAfterTheOutboundBufferIsReleased() {
        EngineFixture s = EngineFixture.server();
        s.engine.sendText("before");
        s.engine.outbound().release();
        assertEquals(0, s.engine.outbound().size());
        assertThrows(IllegalStateException.class, () -> s.engine.sendText("after"));
    }

    @Test
    void nothingIsSentAfterTheTransportEnded() {
        EngineFixture s = EngineFixture.server();
        s.engine.receiveEof();
        assertFalse(s.engine.sendText("late"));
        assertFalse(s.engine.sendFragment(false, ByteBuffer.allocate(1), true));
        assertFalse(s.engine.ping(ByteBuffer.allocate(0)));
        assertFalse(s.engine.close(1000, ""));
        assertEquals(0, s.engine.outbound().size());
    }
}
