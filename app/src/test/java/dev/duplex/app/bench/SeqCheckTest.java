package dev.duplex.app.bench;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub mode's seq check and JSON scanner on their own. */
class SeqCheckTest {

    @Test
    void inOrderIsClean() {
        SeqCheck c = new SeqCheck();
        c.subscribed(10);
        for (long s = 11; s <= 100; s++) {
            c.received(s);
        }
        c.end(100);
        assertEquals(0, c.lost() + c.duplicated() + c.outOfOrder());
    }

    @Test
    void skippedSeqsAreLostUntilTheyArriveLate() {
        SeqCheck c = new SeqCheck();
        c.subscribed(0);
        c.received(1);
        c.received(4); // 2 and 3 skipped
        assertEquals(2, c.lost());
        c.received(3); // late: out of order, no longer lost
        assertEquals(1, c.lost());
        assertEquals(1, c.outOfOrder());
        c.received(3); // again: a duplicate
        c.received(1);
        assertEquals(2, c.duplicated());
        c.received(5);
        c.end(7); // 6 and 7 never came
        assertEquals(3, c.lost());
        assertEquals(1, c.outOfOrder());
    }

    @Test
    void theFirstSeqAfterSubscribedMustCome() {
        SeqCheck c = new SeqCheck();
        c.subscribed(41);
        c.received(43);
        assertEquals(1, c.lost());
    }

    @Test
    void aSubscriberThatClosedEarlyIsNotChargedForTheRest() {
        SeqCheck c = new SeqCheck();
        c.subscribed(0);
        c.received(1);
        c.closedEarly();
        c.end(50);
        assertEquals(0, c.lost());
    }

    @Test
    void seqsSkippedBeyondTheWindowStayLost() {
        SeqCheck c = new SeqCheck();
        c.subscribed(0);
        c.received(1 + 3 * SeqCheck.WINDOW);
        assertEquals(3 * SeqCheck.WINDOW, c.lost());
        c.received(2); // far behind: cannot tell a late one from a repeat
        assertEquals(1, c.duplicated());
        c.received(2 + 2 * SeqCheck.WINDOW + 10); // within the window: late
        assertEquals(1, c.outOfOrder());
        assertEquals(3 * SeqCheck.WINDOW - 1, c.lost());
    }

    @Test
    void scannerFindsTypeSeqAndData() {
        ByteBuffer m = ascii("{\"type\":\"message\",\"topic\":\"t\",\"seq\":58,\"ts\":1,\"from\":{\"session\":\"s-1\"},"
                + "\"data\":\"abc\"}");
        assertTrue(HubFrames.typeIs(m, HubFrames.MESSAGE));
        assertFalse(HubFrames.typeIs(m, HubFrames.SUBSCRIBED));
        assertEquals(58, HubFrames.numberAfter(m, HubFrames.SEQ));
        assertEquals('a', m.get(HubFrames.find(m, HubFrames.DATA)));
        assertEquals(-1, HubFrames.numberAfter(ascii("{\"type\":\"pong\"}"), HubFrames.SEQ));
        ByteBuffer gap = ascii("{\"type\":\"gap\",\"topic\":\"t\",\"from\":43,\"to\":51}");
        assertTrue(HubFrames.typeIs(gap, HubFrames.GAP));
        assertEquals(43, HubFrames.numberAfter(gap, HubFrames.FROM));
        assertEquals(51, HubFrames.numberAfter(gap, HubFrames.TO));
    }

    @Test
    void publishRequestsCarryTheStampAndIdWhereTheyAreWritten() {
        HubFrames.Publish p = HubFrames.publish("room.1", 40, true);
        String text = new String(p.payload(), StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("{\"type\":\"publish\",\"topic\":\"room.1\",\"ack\":true,\"id\":\"000000000000\","),
                text);
        assertEquals("0".repeat(HubFrames.ID_DIGITS), text.substring(p.idOffset(), p.idOffset() + 12));
        assertEquals('"', text.charAt(p.stampOffset() - 1));
        assertEquals("\"}", text.substring(p.stampOffset() + 40));
        assertTrue(HubFrames.validTopic("a.b:c-d_e"));
        assertFalse(HubFrames.validTopic(".hidden"));
        assertFalse(HubFrames.validTopic("has space"));
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }
}
