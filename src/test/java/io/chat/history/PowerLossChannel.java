package io.chat.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import org.h2.store.fs.FileBase;

/** A real file's channel whose writes, truncations and syncs the {@link PowerLossDisk} records. */
final class PowerLossChannel extends FileBase {
    private final PowerLossDisk disk;
    private final PowerLossDisk.Inode inode;
    private final FileChannel real;

    PowerLossChannel(PowerLossDisk disk, PowerLossDisk.Inode inode, FileChannel real) {
        this.disk = disk;
        this.inode = inode;
        this.real = real;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        return real.read(destination);
    }

    @Override
    public int read(ByteBuffer destination, long position) throws IOException {
        return real.read(destination, position);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        return disk.write(inode, real, source, -1);
    }

    @Override
    public int write(ByteBuffer source, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position");
        }
        return disk.write(inode, real, source, position);
    }

    @Override
    public long position() throws IOException {
        return real.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        real.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return real.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        disk.truncate(inode, real, size);
        return this;
    }

    /** The simulated disk is the truth: the real file is not synced (the test needs no real fsync). */
    @Override
    public void force(boolean metaData) {
        disk.sync(inode);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return real.tryLock(position, size, shared);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return real.lock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        real.close();
    }
}
