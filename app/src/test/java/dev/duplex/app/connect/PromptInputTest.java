package dev.duplex.app.connect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class PromptInputTest {

    @Test
    void plainLinesAndDoubleSlashAreText() {
        assertEquals(new PromptInput.Text("hello /ping"), PromptInput.parse("hello /ping"));
        assertEquals(new PromptInput.Text("/ping"), PromptInput.parse("//ping"));
        assertEquals(new PromptInput.Text(""), PromptInput.parse(""));
    }

    @Test
    void commands() {
        assertArrayEquals(new byte[]{1, 2, (byte) 0xff}, ((PromptInput.Binary) PromptInput.parse("/binary 01 02FF")).data());
        assertArrayEquals("x y".getBytes(), ((PromptInput.Ping) PromptInput.parse("/ping x y")).payload());
        assertArrayEquals(new byte[0], ((PromptInput.Ping) PromptInput.parse("/ping")).payload());
        assertEquals(new PromptInput.Close(1000, ""), PromptInput.parse("/close"));
        assertEquals(new PromptInput.Close(4000, "see you later"), PromptInput.parse("/close 4000 see you later"));
        assertEquals(new PromptInput.Quit(), PromptInput.parse("/quit"));
        assertEquals(new PromptInput.Help(), PromptInput.parse("/help"));
    }

    @Test
    void badCommandsAreInvalidNotSent() {
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/pong"));
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/binary 0g"));
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/binary 012"));
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/close abc"));
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/close 1006"));
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/close 2999"));
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/close 4000 " + "r".repeat(124)));
        assertInstanceOf(PromptInput.Invalid.class, PromptInput.parse("/ping " + "p".repeat(126)));
    }
}
