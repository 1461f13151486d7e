package dev.duplex.app.connect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequestIdTest {

    @Test
    void theTopLevelStringIdOfAJsonObject() {
        assertEquals("7", RequestId.of("{\"type\":\"publish\",\"data\":{\"id\":\"inner\"},\"id\":\"7\"}"));
        assertEquals("a b", RequestId.of("  {\"id\":\"a b\"}"));
        assertNull(RequestId.of("{\"id\":7}"), "a number is not a request id");
        assertNull(RequestId.of("{\"data\":{\"id\":\"inner\"}}"), "only the top level counts");
        assertNull(RequestId.of("[{\"id\":\"1\"}]"));
        assertNull(RequestId.of("plain text"));
        assertNull(RequestId.of("{\"id\":"), "broken JSON has no id");
        assertNull(RequestId.of(""));
    }
}
