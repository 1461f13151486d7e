package dev.duplex.hub;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Messages in an embedded H2 database ({@code hub.mv.db} in the data folder), one JDBC connection used by the
 * writer thread only. {@code WRITE_DELAY=0}: a commit is written to the file before {@link #commit} returns, so
 * an acked message survives the process dying; the file is locked while the hub runs.
 *
 * <p>The constructor only creates the folder and takes its lock ({@code hub.lock}), so a second hub on the same
 * folder is refused at once; {@link #open} (the writer thread's first job) connects and creates the tables, which
 * takes most of a second on a cold JVM.
 */
final class H2MessageStore implements MessageStore {
    private final Path directory;
    private final FileChannel lockFile;
    private final FileLock lock;
    private Connection db;
    private PreparedStatement insert;
    private PreparedStatement saveSeq;
    private PreparedStatement select;
    private PreparedStatement pruneSeq;
    private PreparedStatement pruneAge;
    private PreparedStatement removeMessages;
    private PreparedStatement removeTopic;
    private String storeId;

    /** The database file in {@code directory}. */
    static Path file(Path directory) {
        return directory.resolve("hub.mv.db");
    }

    /** @throws HubException ({@code internal}) if the folder cannot be created or another hub holds its lock */
    H2MessageStore(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
            lockFile = FileChannel.open(directory.resolve("hub.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            lock = tryLock(lockFile);
            if (lock == null) {
                lockFile.close();
                throw new IOException("another hub uses this folder");
            }
        } catch (IOException e) {
            throw cannotOpen(e);
        }
    }

    @Override
    public void open() {
        try {
            String url = "jdbc:h2:file:" + directory.toAbsolutePath().resolve("hub")
                    + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE";
            db = DriverManager.getConnection(url, "duplex", "");
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS hub_topic (topic VARCHAR(64) PRIMARY KEY, last_seq BIGINT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS hub_message (topic VARCHAR(64) NOT NULL, seq BIGINT NOT NULL,"
                        + " ts BIGINT NOT NULL, from_session VARCHAR(64) NOT NULL, from_name VARCHAR(200) NOT NULL,"
                        + " data VARCHAR(1000000) NOT NULL, PRIMARY KEY (topic, seq))");
                s.execute("CREATE TABLE IF NOT EXISTS hub_meta (k VARCHAR(64) PRIMARY KEY, v VARCHAR(200) NOT NULL)");
                try (ResultSet r = s.executeQuery("SELECT v FROM hub_meta WHERE k = 'store'")) {
                    storeId = r.next() ? r.getString(1) : null;
                }
                if (storeId == null) {
                    storeId = UUID.randomUUID().toString();
                    s.execute("INSERT INTO hub_meta VALUES ('store', '" + storeId + "')");
                }
            }
            db.setAutoCommit(false);
            insert = db.prepareStatement("INSERT INTO hub_message VALUES (?, ?, ?, ?, ?, ?)");
            saveSeq = db.prepareStatement("MERGE INTO hub_topic KEY (topic) VALUES (?, ?)");
            select = db.prepareStatement("SELECT seq, ts, from_session, from_name, data FROM hub_message"
                    + " WHERE topic = ? AND seq > ? AND ts >= ? ORDER BY seq LIMIT ?");
            pruneSeq = db.prepareStatement("DELETE FROM hub_message WHERE topic = ? AND seq <= ?");
            pruneAge = db.prepareStatement("DELETE FROM hub_message WHERE ts < ?");
            removeMessages = db.prepareStatement("DELETE FROM hub_message WHERE topic = ?");
            removeTopic = db.prepareStatement("DELETE FROM hub_topic WHERE topic = ?");
            db.commit();
        } catch (SQLException e) {
            throw cannotOpen(e);
        }
    }

    private HubException cannotOpen(Exception e) {
        return new HubException("internal", "cannot open the hub store in " + directory + ": " + e.getMessage(), e);
    }

    /** H2 shares one database between connections of one JVM, so the hub's own lock keeps a second hub out. */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameJvm) {
            return null;
        }
    }

    @Override
    public List<TopicState> loadTopics() {
        try (Statement s = db.createStatement()) {
            Map<String, Long> lastTs = new HashMap<>();
            try (ResultSet r = s.executeQuery("SELECT topic, MAX(ts) FROM hub_message GROUP BY topic")) {
                while (r.next()) {
                    lastTs.put(r.getString(1), r.getLong(2));
                }
            }
            List<TopicState> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery("SELECT topic, last_seq FROM hub_topic")) {
                while (r.next()) {
                    out.add(new TopicState(r.getString(1), r.getLong(2), lastTs.getOrDefault(r.getString(1), 0L)));
                }
            }
            db.commit();
            return out;
        } catch (SQLException e) {
            throw failure("loading topics", e);
        }
    }

    @Override
    public String storeId() {
        return storeId;
    }

    @Override
    public void removeTopics(List<String> topics) {
        try {
            for (String t : topics) {
                removeMessages.setString(1, t);
                removeMessages.executeUpdate();
                removeTopic.setString(1, t);
                removeTopic.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            throw failure("removing topics", e);
        }
    }

    @Override
    public void append(StoredMessage m) {
        try {
            insert.setString(1, m.topic());
            insert.setLong(2, m.seq());
            insert.setLong(3, m.timestamp());
            insert.setString(4, m.fromSession());
            insert.setString(5, m.fromName());
            insert.setString(6, m.data());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failure("storing a message", e);
        }
    }

    @Override
    public void saveLastSeq(String topic, long lastSeq) {
        try {
            saveSeq.setString(1, topic);
            saveSeq.setLong(2, lastSeq);
            saveSeq.executeUpdate();
        } catch (SQLException e) {
            throw failure("storing a sequence number", e);
        }
    }

    @Override
    public void commit() {
        try {
            db.commit();
        } catch (SQLException e) {
            throw failure("committing", e);
        }
    }

    @Override
    public void rollback() {
        try {
            db.rollback();
        } catch (SQLException e) {
            throw failure("rolling back", e);
        }
    }

    @Override
    public List<StoredMessage> read(String topic, long afterSeq, long minTimestamp, int limit) {
        try {
            select.setString(1, topic);
            select.setLong(2, afterSeq);
            select.setLong(3, minTimestamp);
            select.setInt(4, limit);
            List<StoredMessage> out = new ArrayList<>();
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    out.add(new StoredMessage(topic, r.getLong(1), r.getLong(2), r.getString(3), r.getString(4),
                            r.getString(5)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("reading history", e);
        }
    }

    @Override
    public void pruneUpTo(String topic, long upToSeq) {
        try {
            pruneSeq.setString(1, topic);
            pruneSeq.setLong(2, upToSeq);
            pruneSeq.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            throw failure("pruning", e);
        }
    }

    @Override
    public void pruneOlderThan(long minTimestamp) {
        try {
            pruneAge.setLong(1, minTimestamp);
            pruneAge.executeUpdate();
            db.commit();
        } catch (SQLException e) {
            throw failure("pruning", e);
        }
    }

    @Override
    public void close() {
        try {
            if (db != null) {
                db.close();
            }
        } catch (SQLException e) {
            throw failure("closing", e);
        } finally {
            try {
                lock.release();
                lockFile.close();
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
        }
    }

    private static HubException failure(String what, SQLException e) {
        return new HubException("internal", "hub store failed " + what + ": " + e.getMessage(), e);
    }
}
