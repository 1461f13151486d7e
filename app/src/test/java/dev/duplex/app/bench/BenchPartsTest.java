package dev.duplex.app.bench;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The small pieces of {@code duplex bench} that do not need a network. */
class BenchPartsTest {

    @Test
    void procStatCpuIsUtimePlusStimeCountedAfterTheCommandName() {
        // field 2 holds spaces and a ')'; utime = 250 ticks, stime = 50 ticks
        String stat = "1234 (my (odd) proc) S 1 1234 1234 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 5 0 100 0 0";
        assertEquals(3_000_000_000L, ProcStatCpu.parseCpuNanos(stat));
        assertThrows(IllegalArgumentException.class, () -> ProcStatCpu.parseCpuNanos("garbage"));
    }

    @Test
    void procStatCpuReadsThisProcessAndGrows() throws Exception {
        ProcStatCpu self = new ProcStatCpu(ProcessHandle.current().pid());
        long before = self.cpuNanos();
        long deadline = System.nanoTime() + Duration.ofMillis(200).toNanos();
        long spin = 0;
        while (System.nanoTime() < deadline) {
            spin += Long.numberOfTrailingZeros(spin + System.nanoTime());
        }
        long after = self.cpuNanos();
        assertTrue(before > 0 && after > before, "before " + before + ", after " + after + " (" + spin + ")");
        assertThrows(java.io.IOException.class, () -> new ProcStatCpu(Integer.MAX_VALUE).cpuNanos());
    }

    @Test
    void sourceAddressRangesAndLists() throws Exception {
        SourceAddresses range = SourceAddresses.parse("127.0.0.1-127.0.0.4");
        assertEquals(4, range.all().size());
        assertEquals(InetAddress.getByName("127.0.0.3"), range.forConnection(2));
        assertEquals(InetAddress.getByName("127.0.0.1"), range.forConnection(4));
        assertEquals(List.of(InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.9")),
                SourceAddresses.parse("10.0.0.1, 10.0.0.9").all());
        assertEquals(2 + 256 + 4, SourceAddresses.parse("10.0.0.254-10.0.2.3").all().size());
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("127.0.0.5-127.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("localhost"));
        assertThrows(IllegalArgumentException.class, () -> SourceAddresses.parse("10.0.0.0-10.1.0.0"));
    }

    @Test
    void automaticSourceAddressesOnlyWhenThePortRangeIsTooSmall() throws Exception {
        EphemeralPortRange ports = EphemeralPortRange.parse("32768\t60999\n");
        assertEquals(28232, ports.size());
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        assertTrue(SourceAddresses.automatic(loopback, 20_000, ports).isEmpty());
        SourceAddresses many = SourceAddresses.automatic(loopback, 100_000, ports);
        assertEquals(4, many.all().size(), many.toString()); // 25408 usable per address
        assertEquals(InetAddress.getByName("127.0.0.4"), many.all().get(3));
        assertThrows(IllegalArgumentException.class,
                () -> SourceAddresses.automatic(InetAddress.getByName("10.1.2.3"), 100_000, ports));
        assertTrue(EphemeralPortRange.current().size() > 0);
    }

    @Test
    void durations() {
        DurationConverter c = new DurationConverter();
        assertEquals(Duration.ofMillis(300), c.convert("300ms"));
        assertEquals(Duration.ofSeconds(10), c.convert("10s"));
        assertEquals(Duration.ofMillis(1500), c.convert("1.5s"));
        assertEquals(Duration.ofMinutes(2), c.convert("2m"));
        assertEquals(Duration.ofSeconds(7), c.convert("7"));
        assertEquals(Duration.ZERO, c.convert("0"));
        assertThrows(picocli.CommandLine.TypeConversionException.class, () -> c.convert("-1s"));
    }

    @Test
    void maskedFramesUnmaskToThePayloadAndStampsReadBack() {
        byte[] payload = MaskedFrames.filler(200, FanoutStamp.LENGTH);
        ByteBuffer frames = MaskedFrames.repeated(false, payload, 2);
        int frameLength = MaskedFrames.frameLength(200);
        assertEquals(2 * frameLength, frames.remaining());
        assertEquals(0x82, frames.get(0) & 0xFF); // FIN, binary
        assertEquals(0x80 | 126, frames.get(1) & 0xFF); // masked, 16-bit length
        assertEquals(200, frames.getShort(2));
        assertEquals(MaskedFrames.KEY, frames.getInt(4));
        int header = MaskedFrames.headerLength(200);
        FanoutStamp.writeMasked(frames, frameLength + header, 0x0123_4567_89ab_cdefL, 7, 123_456_789L);

        ByteBuffer second = ByteBuffer.allocate(200);
        for (int i = 0; i < 200; i++) {
            second.put((byte) (frames.get(frameLength + header + i) ^ (MaskedFrames.KEY >>> (24 - (i % 4) * 8))));
        }
        second.flip();
        assertEquals(0x0123_4567_89ab_cdefL, FanoutStamp.nanoTime(second));
        assertEquals(7, FanoutStamp.publisher(second));
        assertEquals(123_456_789L, FanoutStamp.sequence(second));
        for (int i = FanoutStamp.LENGTH; i < 200; i++) {
            assertEquals(payload[i], second.get(i));
        }
    }
}
