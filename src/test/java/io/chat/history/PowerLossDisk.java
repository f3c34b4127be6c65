package io.chat.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.h2.store.fs.FilePath;

/**
 * A simulated disk under one tenant folder that loses, at a power loss, everything not synced: the files' writes
 * and truncations since their last fsync/fdatasync, and the names created, renamed or deleted since the folder's
 * last fsync. The files themselves are real (what the operating system shows: reads see every write); beside
 * each one the disk keeps what a power loss would leave of it. The store's own files reach it as a
 * {@link StoreFiles}, H2's through the {@code powerloss:} file system ({@link PowerLossFilePath}).
 *
 * <p>The strictest disk allowed: nothing unsynced survives, nothing is torn. The folder's own name (and its
 * parents') counts as durable. A file written in the folder past this disk fails {@link #cut()}.
 */
final class PowerLossDisk implements StoreFiles {
    static final String SCHEME = "powerloss";

    /** H2 creates its file paths by reflection: they find the disk here. One disk at a time. */
    private static volatile PowerLossDisk current;

    static {
        FilePath.register(new PowerLossFilePath());
    }

    /** A file's contents: what the operating system shows is the real file; this is what the disk holds. */
    static final class Inode {
        private byte[] durable;
        private int length;
        private final List<Object> pending = new ArrayList<>(); // Write or Truncate, in order

        Inode(byte[] durable) {
            this.durable = durable;
            this.length = durable.length;
        }

        private void sync() {
            for (Object op : pending) {
                switch (op) {
                    case Write w -> {
                        int end = Math.toIntExact(w.position() + w.bytes().length);
                        if (end > durable.length) {
                            durable = Arrays.copyOf(durable, Math.max(end, durable.length * 2));
                        }
                        if (w.position() > length) {
                            Arrays.fill(durable, length, (int) w.position(), (byte) 0); // a hole reads as zeros
                        }
                        System.arraycopy(w.bytes(), 0, durable, (int) w.position(), w.bytes().length);
                        length = Math.max(length, end);
                    }
                    case Truncate t -> length = (int) Math.min(length, t.size());
                    default -> throw new IllegalStateException(op.toString());
                }
            }
            pending.clear();
        }

        private byte[] onDisk() {
            return Arrays.copyOf(durable, length);
        }
    }

    private record Write(long position, byte[] bytes) {}

    private record Truncate(long size) {}

    private final Path folder;
    /** The names the operating system shows. */
    private final Map<Path, Inode> names = new HashMap<>();
    /** The names a power loss keeps: those of the folder's last sync. */
    private Map<Path, Inode> durableNames;

    private boolean cut;
    private long fileSyncs;
    private long folderSyncs;

    private PowerLossDisk(Path folder) {
        this.folder = folder;
    }

    /** The disk under {@code folder}; the files in it now count as durable, their names too. */
    static PowerLossDisk over(Path folder) throws IOException {
        PowerLossDisk disk = new PowerLossDisk(folder.toRealPath());
        try (Stream<Path> files = Files.list(disk.folder)) {
            for (Path file : files.toList()) {
                disk.names.put(file, new Inode(Files.readAllBytes(file)));
            }
        }
        disk.durableNames = new HashMap<>(disk.names);
        current = disk;
        return disk;
    }

    static PowerLossDisk current() {
        PowerLossDisk disk = current;
        if (disk == null) {
            throw new IllegalStateException("no simulated disk in use");
        }
        return disk;
    }

    /** No store uses the disk any more: H2's paths find none. */
    void detach() {
        current = null;
    }

    @Override
    public String h2Scheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options, FileAttribute<?>... attributes)
            throws IOException {
        Path inFolder = checked(file);
        synchronized (this) {
            boolean existed = Files.exists(inFolder);
            FileChannel channel = FileChannel.open(inFolder, options, attributes);
            return channel(inFolder, channel, existed);
        }
    }

    /** Wraps a channel just opened on {@code file}; a file that did not exist before is new. */
    synchronized FileChannel channel(Path file, FileChannel real, boolean existed) {
        Path inFolder = checked(file);
        if (!existed) {
            names.put(inFolder, new Inode(new byte[0]));
        }
        Inode inode = names.get(inFolder);
        if (inode == null) {
            throw new AssertionError("opened a file the simulated disk does not know: " + file);
        }
        return new PowerLossChannel(this, inode, real);
    }

    @Override
    public void move(Path from, Path to) throws IOException {
        Path source = checked(from);
        Path target = checked(to);
        synchronized (this) {
            Files.move(source, target);
            moved(source, target);
        }
    }

    synchronized void moved(Path from, Path to) {
        Inode inode = names.remove(checked(from));
        if (inode == null) {
            throw new AssertionError("moved a file the simulated disk does not know: " + from);
        }
        names.put(checked(to), inode);
    }

    synchronized void created(Path file) {
        names.put(checked(file), new Inode(new byte[0]));
    }

    synchronized void deleted(Path file) {
        names.remove(checked(file));
    }

    @Override
    public synchronized void syncDirectory(Path directory) throws IOException {
        if (cut) {
            return;
        }
        Path real = directory.toRealPath();
        if (real.equals(folder)) {
            durableNames = new HashMap<>(names);
            folderSyncs++;
        } else if (!folder.startsWith(real)) {
            throw new AssertionError("synced a folder outside the simulated disk: " + directory);
        }
    }

    /** Writes on the real file and records the write as pending, in one step: a power loss falls before or after. */
    synchronized int write(Inode inode, FileChannel real, ByteBuffer source, long position) throws IOException {
        ByteBuffer copy = source.duplicate();
        int written = position < 0 ? real.write(source) : real.write(source, position);
        if (!cut) {
            byte[] bytes = new byte[written];
            copy.get(bytes);
            inode.pending.add(new Write(position < 0 ? real.position() - written : position, bytes));
        }
        return written;
    }

    synchronized void truncate(Inode inode, FileChannel real, long size) throws IOException {
        real.truncate(size);
        if (!cut) {
            inode.pending.add(new Truncate(size));
        }
    }

    /** fsync and fdatasync alike: the file's writes so far reach the disk (its name does not). */
    synchronized void sync(Inode inode) {
        if (!cut) {
            inode.sync();
            fileSyncs++;
        }
    }

    /**
     * The power goes out: returns what the disk holds (file name to contents). Anything written after it is lost;
     * the store may keep running on the real files until it is closed.
     */
    synchronized Map<String, byte[]> cut() throws IOException {
        if (cut) {
            throw new IllegalStateException("the power is out already");
        }
        cut = true;
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                if (!names.containsKey(file)) {
                    throw new AssertionError("a file was written past the simulated disk: " + file.getFileName());
                }
            }
        }
        Map<String, byte[]> disk = new TreeMap<>();
        durableNames.forEach((name, inode) -> disk.put(name.getFileName().toString(), inode.onDisk()));
        return disk;
    }

    synchronized long fileSyncs() {
        return fileSyncs;
    }

    synchronized long folderSyncs() {
        return folderSyncs;
    }

    /** Writes the files a power loss left into an empty {@code folder}: the machine starts again. */
    static void restore(Map<String, byte[]> disk, Path folder) throws IOException {
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> file : disk.entrySet()) {
            Files.write(folder.resolve(file.getKey()), file.getValue());
        }
    }

    private Path checked(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!folder.equals(absolute.getParent())) {
            throw new AssertionError("a file outside the simulated disk's folder " + folder + ": " + file);
        }
        return absolute;
    }
}
