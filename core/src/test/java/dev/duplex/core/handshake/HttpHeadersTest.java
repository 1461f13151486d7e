package dev.duplex.core.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpHeadersTest {

    private final HttpHeaders headers = HttpHeaders.builder()
            .add("Connection", "keep-alive, Upgrade")
            .add("X-Multi", "a")
            .add("upgrade", "  WebSocket ")
            .add("x-multi", "b")
            .build();

    @Test
    void lookupIsCaseInsensitiveAndOrdered() {
        assertEquals("a", headers.first("X-MULTI"));
        assertEquals(List.of("a", "b"), headers.all("x-Multi"));
        assertEquals(List.of(), headers.all("Absent"));
        assertNull(headers.first("Absent"));
        assertTrue(headers.contains("CONNECTION"));
        assertFalse(headers.contains("Host"));
    }

    @Test
    void namesKeepFirstSpellingAndIterationKeepsArrivalOrder() {
        assertEquals(List.of("Connection", "X-Multi", "upgrade"), headers.names());
        List<String> seen = new ArrayList<>();
        for (HeaderField field : headers) {
            seen.add(field.name() + "=" + field.value());
        }
        assertEquals(List.of("Connection=keep-alive, Upgrade", "X-Multi=a", "upgrade=  WebSocket ", "x-multi=b"), seen);
        assertEquals(4, headers.size());
    }

    @Test
    void containsTokenSplitsCommaListsIgnoringCaseAndWhitespace() {
        assertTrue(headers.containsToken("connection", "upgrade"));
        assertTrue(headers.containsToken("Connection", "KEEP-ALIVE"));
        assertTrue(headers.containsToken("Upgrade", "websocket"));
        assertFalse(headers.containsToken("Connection", "keep"));
        assertFalse(headers.containsToken("Absent", "x"));
        HttpHeaders odd = HttpHeaders.of("Connection", ",\t upGRade ,, close ,");
        assertTrue(odd.containsToken("Connection", "Upgrade"));
        assertTrue(odd.containsToken("Connection", "close"));
        assertFalse(HttpHeaders.of("Upgrade", "websocket/13").containsToken("Upgrade", "websocket"));
        assertFalse(HttpHeaders.of("Upgrade", "web socket").containsToken("Upgrade", "websocket"));
    }

    @Test
    void rejectsInvalidNamesAndInjectedLineBreaks() {
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("Bad Name", "x"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("", "x"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("X", "a\r\nInjected: yes"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("X", "a\u0000"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("X", "\u20ac"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("X"));
    }

    @Test
    void equalityIsByOrderedFields() {
        assertEquals(HttpHeaders.of("A", "1", "B", "2"), HttpHeaders.builder().add("A", "1").add("B", "2").build());
        assertTrue(HttpHeaders.empty().isEmpty());
        assertEquals(HttpHeaders.empty(), HttpHeaders.builder().build());
    }
}
