package dev.nightshift.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.io.nativeio.NativeIO;

/**
 * Hadoop's {@code file:} file system (checksummed, as {@link LocalFileSystem}) that sets permissions through
 * {@code java.nio} instead of starting a {@code chmod} process. Without Hadoop's native library (which Nightshift does
 * not ship), {@link RawLocalFileSystem#setPermission} runs {@code chmod} as a child process for every file and folder
 * it creates with a permission: a Spark job writing Delta tables on a local disk starts hundreds of them (140 for the
 * synthetic data generator's few small tables). The permissions set are the same; a sticky bit, which {@code java.nio}
 * cannot set, and a file system without POSIX attributes still go through Hadoop's own code.
 */
public class NioLocalFileSystem extends LocalFileSystem {

    public NioLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (unchecksummed) side. */
    public static class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            if (NativeIO.isAvailable() || permission.getStickyBit()) {
                super.setPermission(p, permission);
                return;
            }
            try {
                Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(permission));
            } catch (UnsupportedOperationException notPosix) {
                super.setPermission(p, permission);
            }
        }
    }

    static Set<PosixFilePermission> posix(FsPermission permission) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        add(set, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_EXECUTE);
        add(set, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE);
        add(set, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        return set;
    }

    private static void add(Set<PosixFilePermission> set, FsAction action, PosixFilePermission read,
                            PosixFilePermission write, PosixFilePermission execute) {
        if (action.implies(FsAction.READ)) {
            set.add(read);
        }
        if (action.implies(FsAction.WRITE)) {
            set.add(write);
        }
        if (action.implies(FsAction.EXECUTE)) {
            set.add(execute);
        }
    }
}
