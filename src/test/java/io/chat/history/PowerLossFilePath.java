package io.chat.history;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's {@code powerloss:} file system: the disk's files, every change to them reported to the current
 * {@link PowerLossDisk}. H2 creates one instance per path by reflection (hence public, with no arguments).
 */
public final class PowerLossFilePath extends FilePathWrapper {
    @Override
    public String getScheme() {
        return PowerLossDisk.SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        PowerLossDisk disk = PowerLossDisk.current();
        synchronized (disk) {
            boolean existed = getBase().exists();
            return disk.channel(file(), getBase().open(mode), existed);
        }
    }

    @Override
    public OutputStream newOutputStream(boolean append) throws IOException {
        return FilePath.newFileChannelOutputStream(open("rw"), append);
    }

    @Override
    public boolean createFile() {
        PowerLossDisk disk = PowerLossDisk.current();
        synchronized (disk) {
            boolean created = getBase().createFile();
            if (created) {
                disk.created(file());
            }
            return created;
        }
    }

    @Override
    public void delete() {
        PowerLossDisk disk = PowerLossDisk.current();
        synchronized (disk) {
            boolean existed = getBase().exists();
            getBase().delete();
            if (existed) {
                disk.deleted(file());
            }
        }
    }

    @Override
    public void moveTo(FilePath newName, boolean atomicReplace) {
        PowerLossDisk disk = PowerLossDisk.current();
        synchronized (disk) {
            super.moveTo(newName, atomicReplace);
            disk.moved(file(), Path.of(((PowerLossFilePath) newName).getBase().toString()));
        }
    }

    @Override
    public FilePath createTempFile(String suffix, boolean inTempDir) {
        throw new UnsupportedOperationException("temporary files are not simulated");
    }

    private Path file() {
        return Path.of(getBase().toString());
    }
}
