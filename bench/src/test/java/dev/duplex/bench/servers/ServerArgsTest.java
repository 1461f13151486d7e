package dev.duplex.bench.servers;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerArgsTest {

    @Test
    void defaultsToLoopbackOneThreadNio() {
        assertEquals(new ServerArgs("127.0.0.1", 8080, 1, ServerArgs.Transport.NIO), ServerArgs.parse());
    }

    @Test
    void parsesEveryOption() {
        assertEquals(new ServerArgs("0.0.0.0", 0, 2, ServerArgs.Transport.EPOLL),
                ServerArgs.parse("--host", "0.0.0.0", "--port", "0", "--loops", "2", "--transport", "EPOLL"));
    }

    @Test
    void rejectsUnknownOptionsAndBadValues() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ServerArgs.parse("--prot", "1"))
                .getMessage().contains("unknown option --prot"));
        assertThrows(IllegalArgumentException.class, () -> ServerArgs.parse("--port"));
        assertThrows(IllegalArgumentException.class, () -> ServerArgs.parse("--port", "x"));
        assertThrows(IllegalArgumentException.class, () -> ServerArgs.parse("--port", "70000"));
        assertThrows(IllegalArgumentException.class, () -> ServerArgs.parse("--threads", "0"));
        assertThrows(IllegalArgumentException.class, () -> ServerArgs.parse("--transport", "kqueue"));
    }
}
