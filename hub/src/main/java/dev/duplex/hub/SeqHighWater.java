package dev.duplex.hub;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * Keeps sequence numbers from ever being reused, apart from the messages: the data folder's {@code hub.seq}
 * records which store it belongs to ({@link MessageStore#storeId()}), a reserved high-water mark above every seq
 * given (reserved {@link #RESERVE} at a time, written before the commit that needs it, so it costs one small file
 * write per {@code RESERVE} numbers), and the reclaim floor: the highest last seq of a topic that was reclaimed.
 * A topic that is created (or created again after it was reclaimed) starts above the floor, so a reclaimed topic
 * that comes back never repeats a number.
 *
 * <p>At start, a store that is not the one {@code hub.seq} belongs to (the database file was deleted, emptied or
 * replaced) while numbers were given is refused, unless the hub was told to accept it: then every topic continues
 * above the high-water mark. Without a file ({@link #inMemory}), only the floor is kept, in memory.
 *
 * <p>Writer thread only. Failures are {@link HubException}s with code {@code internal}.
 */
final class SeqHighWater {
    static final String FILE = "hub.seq";
    static final long RESERVE = 100_000;

    private final Path file;
    private final Path storeFile;
    private final boolean acceptEmptyStore;
    private String storeId;
    /** Every seq given is at most this (with a file). */
    private long reserved;
    /** Topics start above this. */
    private long floor;

    private SeqHighWater(Path file, Path storeFile, boolean acceptEmptyStore) {
        this.file = file;
        this.storeFile = storeFile;
        this.acceptEmptyStore = acceptEmptyStore;
    }

    /** For a store in {@code directory} whose database file is {@code storeFile}. */
    static SeqHighWater inDirectory(Path directory, Path storeFile, boolean acceptEmptyStore) {
        return new SeqHighWater(directory.resolve(FILE), storeFile, acceptEmptyStore);
    }

    /** No file: the floor lives as long as the hub (its store does too). */
    static SeqHighWater inMemory() {
        return new SeqHighWater(null, null, false);
    }

    /**
     * Reconciles the file with the store just opened, whose highest last seq is {@code maxLoadedSeq}, and
     * writes it back.
     *
     * @return the number every loaded topic's last seq must be raised to (0: none; above 0 only when an emptied
     *         or replaced store was accepted)
     * @throws HubException ({@code internal}) if the store is not the one the file belongs to, numbers were given,
     *                      and emptied stores are not accepted; or if the file cannot be read or written
     */
    long open(String storeId, long maxLoadedSeq) {
        this.storeId = storeId;
        if (file == null) {
            return 0;
        }
        Properties recorded = read();
        long raise = 0;
        if (recorded != null) {
            long highWater = number(recorded, "highWater");
            long reclaimedFloor = number(recorded, "reclaimedFloor");
            if (storeId.equals(recorded.getProperty("store"))) {
                reserved = highWater;
                floor = reclaimedFloor;
            } else if (highWater > 0) {
                if (!acceptEmptyStore) {
                    throw new HubException(ErrorCode.INTERNAL.wire(), "the hub store " + storeFile
                            + " was emptied, deleted or replaced, but " + file + " says sequence numbers (at most "
                            + highWater + ") were given; refusing to reuse them (accept with serve"
                            + " --accept-empty-store or Hub.Builder.acceptEmptyStore(true): numbering then"
                            + " continues above " + highWater + ")");
                }
                floor = Math.max(highWater, reclaimedFloor);
                reserved = floor;
                raise = floor;
            }
        }
        reserved = Math.max(reserved, maxLoadedSeq);
        write();
        return raise;
    }

    /** Where new topics start: their first seq is {@code floor() + 1}. */
    long floor() {
        return floor;
    }

    /** Called before {@code seq} is written into the store: reserves more numbers in the file when needed. */
    void beforeAssigning(long seq) {
        if (file != null && seq > reserved) {
            long previous = reserved;
            reserved = seq + RESERVE;
            try {
                write();
            } catch (HubException e) {
                reserved = previous;
                throw e;
            }
        }
    }

    /** Topics with these last seqs are about to be reclaimed: raises the floor (durably) above them first. */
    void reclaiming(long maxLastSeq) {
        if (maxLastSeq <= floor) {
            return;
        }
        long previous = floor;
        floor = maxLastSeq;
        if (file != null) {
            try {
                write();
            } catch (HubException e) {
                floor = previous;
                throw e;
            }
        }
    }

    private Properties read() {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Properties p = new Properties();
            p.load(new StringReader(text));
            if (p.getProperty("store") == null || p.getProperty("highWater") == null) {
                throw new IOException("not a " + FILE + " file (no store or highWater)");
            }
            number(p, "highWater");
            number(p, "reclaimedFloor");
            return p;
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | IllegalArgumentException e) {
            if (acceptEmptyStore) {
                return null;
            }
            throw new HubException(ErrorCode.INTERNAL.wire(), "cannot read " + file + " (" + e.getMessage()
                    + "): the highest sequence number given is unknown; accept with serve --accept-empty-store"
                    + " or Hub.Builder.acceptEmptyStore(true) to continue from the store's own numbers");
        }
    }

    private static long number(Properties p, String key) {
        String v = p.getProperty(key, "0").strip();
        long n = Long.parseLong(v);
        if (n < 0) {
            throw new IllegalArgumentException(key + " is negative");
        }
        return n;
    }

    /** Writes the file atomically: a temporary file, forced to disk, then moved over the old one. */
    private void write() {
        String text = "# duplex hub: sequence numbers given with the store in this folder; see docs/hub.md\n"
                + "store=" + storeId + "\nhighWater=" + reserved + "\nreclaimedFloor=" + floor + "\n";
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HubException(ErrorCode.INTERNAL.wire(), "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
