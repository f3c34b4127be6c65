package io.chat.history;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The append-only log that makes an acknowledged message durable: one write per batch, before any ack.
 * H2 then stores the same rows at its own pace (its write delay), rewriting each B-tree page once per
 * delay instead of once per commit; a checkpoint empties the log once H2 has them all. After a crash
 * the records H2 had not stored yet are replayed into it.
 *
 * <p>With {@link Durability#PROCESS} a write reaches the operating system, not the disk: it survives
 * {@code kill -9}, not a power loss. With {@link Durability#FSYNC} each append is followed by fdatasync. A record is [length][CRC32C][body]; a torn or corrupt
 * tail (a write cut by a crash, never acknowledged) ends the replay.
 *
 * <p>Used by the writer thread only, which nobody interrupts: an interrupt would close the channel.
 */
final class MessageLog implements AutoCloseable {
    static final String FILE_NAME = "chat.wal";
    private static final int MAX_RECORD = 1 << 20;
    /**
     * First byte of a change's record (then its kind and target). A message's record starts with its room's
     * {@code writeUTF} length, whose first byte is 0 or 1 (rooms are at most 128 characters), so logs written before
     * changes existed read as they always did.
     */
    private static final int CHANGE_MARK = 0xFF;

    private final Path file;
    private final FileChannel channel;
    private long size;

    private MessageLog(Path file, FileChannel channel, long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens the log, creating it if needed. A new log's name in the directory is made durable by the store, which
     * syncs the directory once it has created all its files (see Writer).
     */
    static MessageLog open(Path directory, StoreFiles files) {
        Path file = directory.resolve(FILE_NAME);
        try {
            FileChannel channel = files.open(
                    file,
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    OwnerOnly.fileAttributes(directory));
            OwnerOnly.restrictFile(file);
            return new MessageLog(file, channel, channel.size());
        } catch (IOException e) {
            throw new StoreException("cannot open " + file, e);
        }
    }

    /** Bytes in the log, valid or not. */
    long size() {
        return size;
    }

    /** Appends the records with one write; returns once the operating system has them, or with {@code sync} the disk. */
    void append(List<LoggedMessage> messages, boolean sync) throws IOException {
        if (messages.isEmpty()) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(messages.size() * 256);
        DataOutputStream out = new DataOutputStream(bytes);
        for (LoggedMessage message : messages) {
            byte[] body = encode(message);
            CRC32C crc = new CRC32C();
            crc.update(body);
            out.writeInt(body.length);
            out.writeInt((int) crc.getValue());
            out.write(body);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
        long position = size;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
        size = position;
        if (sync) {
            // the data and the file's new length (fdatasync); nothing else about the file matters here
            channel.force(false);
        }
    }

    /** Every intact record, in the order written; stops at the first torn or corrupt one. */
    List<LoggedMessage> read() {
        List<LoggedMessage> messages = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            while (true) {
                int length = in.readInt();
                int expected = in.readInt();
                if (length <= 0 || length > MAX_RECORD) {
                    return messages;
                }
                byte[] body = in.readNBytes(length);
                CRC32C crc = new CRC32C();
                crc.update(body);
                if (body.length != length || (int) crc.getValue() != expected) {
                    return messages;
                }
                messages.add(decode(body));
            }
        } catch (EOFException endOrTornRecord) {
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Empties the log: call only once everything in it is stored elsewhere. */
    void clear() throws IOException {
        channel.truncate(0);
        size = 0;
    }

    @Override
    public void close() {
        Database.closeQuietly(channel);
    }

    private static byte[] encode(LoggedMessage logged) throws IOException {
        StoredMessage message = logged.message();
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(64 + message.text().length() * 3);
        DataOutputStream out = new DataOutputStream(bytes);
        if (message.kind() != EntryKind.MESSAGE) {
            out.writeByte(CHANGE_MARK);
            out.writeByte(message.kind().code);
            out.writeLong(message.target());
        }
        out.writeUTF(message.room());
        out.writeLong(message.seq());
        out.writeUTF(message.id());
        out.writeUTF(message.from());
        writeLongUtf(out, message.text());
        out.writeLong(message.ts().toEpochMilli());
        out.writeBoolean(logged.clientId().isPresent());
        if (logged.clientId().isPresent()) {
            out.writeUTF(logged.clientId().get());
        }
        if (message.kind() == EntryKind.REACTION) {
            out.writeBoolean(logged.reactionAdded());
        }
        return bytes.toByteArray();
    }

    private static LoggedMessage decode(byte[] body) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
        EntryKind kind = EntryKind.MESSAGE;
        long target = 0;
        if ((body[0] & 0xFF) == CHANGE_MARK) {
            in.readByte();
            kind = EntryKind.ofCode(in.readByte());
            target = in.readLong();
        }
        String room = in.readUTF();
        long seq = in.readLong();
        String id = in.readUTF();
        String from = in.readUTF();
        String text = readLongUtf(in);
        Instant ts = Instant.ofEpochMilli(in.readLong());
        Optional<String> clientId = in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
        // a reaction logged before the flag was written: its toggle added it, as most do
        boolean reactionAdded = kind == EntryKind.REACTION && (in.available() == 0 || in.readBoolean());
        StoredMessage message = kind == EntryKind.MESSAGE
                ? new StoredMessage(id, room, seq, from, text, ts)
                : new StoredMessage(
                        id,
                        room,
                        seq,
                        from,
                        text,
                        ts,
                        kind,
                        target,
                        kind == EntryKind.EDIT ? Optional.of(ts) : Optional.empty(),
                        kind == EntryKind.DELETE);
        return new LoggedMessage(message, clientId, reactionAdded);
    }

    /** writeUTF stops at 65,535 bytes; a 16,000-character text may need more. */
    private static void writeLongUtf(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readLongUtf(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_RECORD) {
            throw new EOFException("bad text length");
        }
        byte[] utf8 = in.readNBytes(length);
        if (utf8.length != length) {
            throw new EOFException("torn text");
        }
        return new String(utf8, UTF_8);
    }
}
