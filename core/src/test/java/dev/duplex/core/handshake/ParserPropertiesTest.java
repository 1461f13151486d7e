package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ParserPropertiesTest {

    /** Bytes biased towards what makes HTTP heads interesting. */
    @Provide
    Arbitrary<byte[]> headLikeBytes() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) '\r', (byte) '\n', (byte) ':', (byte) ' ', (byte) '\t',
                (byte) 'a', (byte) '/', (byte) '"', (byte) 0, (byte) 0x7F, (byte) 0xC3, (byte) 0xFF);
        Arbitrary<Byte> any = Arbitraries.bytes();
        Arbitrary<byte[]> noise = Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(2, any))
                .array(byte[].class).ofMaxSize(2000);
        Arbitrary<byte[]> prefixed = Combinators.combine(
                Arbitraries.of("GET / HTTP/1.1\r\n", "HTTP/1.1 101 Switching Protocols\r\n", "X: y\r\n", ""),
                noise).as((prefix, tail) -> concat(prefix.getBytes(StandardCharsets.ISO_8859_1), tail));
        return Arbitraries.oneOf(noise, prefixed);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Property(tries = 2000)
    void requestParserOnlyThrowsHandshakeExceptionAndStaysBounded(
            @ForAll("headLikeBytes") byte[] input,
            @ForAll @IntRange(min = 1, max = 600) int maxHeadBytes,
            @ForAll @IntRange(min = 0, max = 8) int maxFields,
            @ForAll @IntRange(min = 1, max = 64) int chunk) {
        RequestParser parser = new RequestParser(maxHeadBytes, maxFields);
        feedInChunks(input, chunk, maxHeadBytes, parser::feed, parser::bufferCapacity);
    }

    @Property(tries = 2000)
    void responseParserOnlyThrowsHandshakeExceptionAndStaysBounded(
            @ForAll("headLikeBytes") byte[] input,
            @ForAll @IntRange(min = 1, max = 600) int maxHeadBytes,
            @ForAll @IntRange(min = 0, max = 8) int maxFields,
            @ForAll @IntRange(min = 1, max = 64) int chunk) {
        ResponseParser parser = new ResponseParser(maxHeadBytes, maxFields);
        feedInChunks(input, chunk, maxHeadBytes, parser::feed, parser::bufferCapacity);
    }

    private static void feedInChunks(byte[] input, int chunk, int maxHeadBytes,
                                     Function<ByteBuffer, Object> feed, java.util.function.IntSupplier capacity) {
        int consumed = 0;
        for (int pos = 0; pos < input.length; pos += chunk) {
            ByteBuffer buffer = ByteBuffer.wrap(input, pos, Math.min(chunk, input.length - pos));
            int before = buffer.position();
            Object result;
            try {
                result = feed.apply(buffer);
            } catch (HandshakeException e) {
                consumed += buffer.position() - before;
                assertTrue(consumed <= maxHeadBytes, "consumed " + consumed + " > " + maxHeadBytes);
                assertTrue(capacity.getAsInt() <= maxHeadBytes);
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
                return;
            }
            consumed += buffer.position() - before;
            assertTrue(consumed <= maxHeadBytes, "consumed " + consumed + " > " + maxHeadBytes);
            assertTrue(capacity.getAsInt() <= maxHeadBytes);
            if (result != null) {
                return;
            }
            assertEquals(0, buffer.remaining(), "an incomplete parser consumes everything it is given");
        }
    }

    @Provide
    Arbitrary<List<String[]>> fields() {
        Arbitrary<String> names = Arbitraries.strings().withChars("abcXYZ-_!#1").ofMinLength(1).ofMaxLength(12);
        Arbitrary<String> values = Arbitraries.strings().withCharRange(' ', '~').withChars('\t', '\u00e9')
                .ofMaxLength(40).map(HttpSyntax::trimOws);
        return Combinators.combine(names, values).as((n, v) -> new String[] {n, v}).list().ofMaxSize(20);
    }

    @Property(tries = 300)
    void anySplitOfAValidRequestGivesTheSameRequest(
            @ForAll("fields") List<String[]> fields,
            @ForAll @Size(min = 1, max = 10) List<@IntRange(min = 1, max = 50) Integer> splits,
            @ForAll boolean bareLf) {
        String eol = bareLf ? "\n" : "\r\n";
        StringBuilder head = new StringBuilder("GET /p?q=1 HTTP/1.1").append(eol);
        HttpHeaders.Builder expected = HttpHeaders.builder();
        for (String[] field : fields) {
            head.append(field[0]).append(":  ").append(field[1]).append(" \t").append(eol);
            expected.add(field[0], field[1]);
        }
        head.append(eol).append("\u0081\u0000trailing");
        byte[] data = head.toString().getBytes(StandardCharsets.ISO_8859_1);

        RequestParser parser = new RequestParser();
        int pos = 0;
        int split = 0;
        HttpRequest request = null;
        while (request == null) {
            int n = Math.min(splits.get(split++ % splits.size()), data.length - pos);
            ByteBuffer buffer = ByteBuffer.wrap(data, pos, n);
            request = parser.feed(buffer);
            pos = buffer.position();
        }
        assertNotNull(request);
        assertEquals(expected.build(), request.headers());
        assertEquals("/p", request.path());
        assertEquals("\u0081\u0000trailing", new String(data, pos, data.length - pos, StandardCharsets.ISO_8859_1));
    }
}
