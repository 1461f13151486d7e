package dev.duplex.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A static-file answer ready to write: its head, and a body that is either in memory ({@code body}, maybe empty)
 * or a file to stream in chunks ({@code file}, {@code fileLength} bytes from position 0), which the writer closes.
 * {@code keepAlive} says whether the head announced that the connection stays open.
 */
record StaticReply(int status, ByteBuffer head, ByteBuffer body, FileChannel file, long fileLength,
                   boolean keepAlive) {

    static StaticReply inMemory(int status, ByteBuffer head, ByteBuffer body, boolean keepAlive) {
        return new StaticReply(status, head, body, null, 0, keepAlive);
    }

    static StaticReply streamed(ByteBuffer head, FileChannel file, long length, boolean keepAlive) {
        return new StaticReply(200, head, null, file, length, keepAlive);
    }

    /** Closes the file, if any; quietly. */
    void release() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // a read-only channel: nothing was lost
            }
        }
    }
}
