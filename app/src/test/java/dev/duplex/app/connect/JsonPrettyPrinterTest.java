package dev.duplex.app.connect;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonPrettyPrinterTest {

    @Test
    void indentsObjectsAndArraysKeepingNumbersAndKeyOrder() {
        assertEquals(Optional.of("{\n  \"z\": 1.50,\n  \"a\": [ 1e400, -0, \"x\\ny\" ]\n}"),
                JsonPrettyPrinter.format("{\"z\":1.50,\"a\":[1e400,-0,\"x\\ny\"]}"));
    }

    @Test
    void leavesAnythingButOneJsonObjectOrArrayAlone() {
        assertEquals(Optional.empty(), JsonPrettyPrinter.format("hello"));
        assertEquals(Optional.empty(), JsonPrettyPrinter.format("42"));
        assertEquals(Optional.empty(), JsonPrettyPrinter.format("{\"a\":1} {\"b\":2}"));
        assertEquals(Optional.empty(), JsonPrettyPrinter.format("{\"a\":"));
        assertEquals(Optional.empty(), JsonPrettyPrinter.format(""));
    }

    @Test
    void deepNestingBeyondTheParserLimitIsLeftAlone() {
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertEquals(Optional.empty(), JsonPrettyPrinter.format(deep));
    }
}
