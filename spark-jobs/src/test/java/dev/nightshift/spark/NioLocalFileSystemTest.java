package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.testing.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest extends SparkTestBase {

    @Test
    void everyModeMapsToTheSamePosixPermissionsAsChmod() {
        for (String octal : List.of("0000", "0644", "0755", "0700", "0640", "0777", "0421", "0136")) {
            FsPermission permission = new FsPermission(Short.parseShort(octal, 8));
            // FsPermission prints as ls does, e.g. rw-r--r--
            assertThat(NioLocalFileSystem.posix(permission)).as(octal)
                    .isEqualTo(PosixFilePermissions.fromString(permission.toString()));
        }
    }

    @Test
    void filesAndFoldersGetThePermissionsAskedFor(@TempDir Path dir) throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.permissions.umask-mode", "022");
        try (NioLocalFileSystem fs = new NioLocalFileSystem()) {
            fs.initialize(java.net.URI.create("file:///"), conf);
            org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(dir.resolve("a/b").toUri());
            org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir.resolve("a/b/part-0.txt").toUri());

            assertThat(fs.mkdirs(folder, new FsPermission((short) 0750))).isTrue();
            try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
                out.write("x".getBytes(StandardCharsets.UTF_8));
            }
            fs.setPermission(file, new FsPermission((short) 0604));
            // a sticky bit goes through Hadoop's own chmod
            fs.setPermission(new org.apache.hadoop.fs.Path(dir.resolve("a").toUri()), new FsPermission((short) 01777));

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b")))).isEqualTo("rwxr-x---");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/part-0.txt")))).isEqualTo("rw----r--");
            assertThat(fs.getFileStatus(new org.apache.hadoop.fs.Path(dir.resolve("a").toUri())).getPermission().getStickyBit()).isTrue();
            assertThat(Files.readString(dir.resolve("a/b/part-0.txt"))).isEqualTo("x");
            // still the checksummed local file system
            assertThat(Files.exists(dir.resolve("a/b/.part-0.txt.crc"))).isTrue();
        }
    }

    @Test
    void sparkSessionsReadAndWriteLocalFilesThroughIt(@TempDir Path dir) throws Exception {
        FileSystem fs = FileSystem.get(dir.toUri(), spark.sparkContext().hadoopConfiguration());
        assertThat(fs).isInstanceOf(NioLocalFileSystem.class);

        spark.range(10).write().format("delta").save(dir.resolve("t").toString());

        assertThat(spark.read().format("delta").load(dir.resolve("t").toString()).count()).isEqualTo(10);
        try (var files = Files.walk(dir.resolve("t"))) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".parquet")))
                    .isNotEmpty()
                    .allSatisfy(p -> assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-r--r--"));
        }
    }
}
