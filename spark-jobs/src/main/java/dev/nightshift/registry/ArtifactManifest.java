package dev.nightshift.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The checksum manifest of a model artifact directory: every file's relative path, size and SHA-256, sorted
 * by path. The registry stores the SHA-256 of the manifest's bytes, so one digest pins every file. Works on any
 * Hadoop file system (file, hdfs, s3a).
 */
public record ArtifactManifest(List<Entry> files) {

    public static final String FILE_NAME = "manifest.json";
    /** The local file system's checksum of the manifest itself; written after the manifest, so never listed. */
    private static final String MANIFEST_CRC = "." + FILE_NAME + ".crc";

    /** One file of the artifact. */
    public record Entry(String path, long size, String sha256) {
    }

    public ArtifactManifest {
        files = files.stream().sorted(Comparator.comparing(Entry::path)).toList();
    }

    /** The stored form: {@code {"digest":"sha256","files":[{"path":..,"size":..,"sha256":..}, ...]}}. */
    private record Document(String digest, List<Entry> files) {
    }

    public byte[] toBytes() {
        return (Json.write(new Document("sha256", files)) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static ArtifactManifest parse(byte[] bytes) {
        Document doc = Json.read(new String(bytes, StandardCharsets.UTF_8), new TypeReference<Document>() { });
        if (doc.files() == null || !"sha256".equals(doc.digest())) {
            throw new IllegalArgumentException(FILE_NAME + " is not a sha256 manifest with a 'files' list");
        }
        return new ArtifactManifest(doc.files());
    }

    /** Lists and hashes every file under {@code dir} except the manifest (and its local checksum file). */
    public static ArtifactManifest scan(Configuration conf, String dir) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, FileStatus> file : listFiles(fs, root).entrySet()) {
            entries.add(new Entry(file.getKey(), file.getValue().getLen(), sha256(fs, file.getValue().getPath())));
        }
        return new ArtifactManifest(entries);
    }

    /** Writes {@code manifest.json} for the files now under {@code dir}; returns the SHA-256 of its bytes. */
    public static String write(Configuration conf, String dir) throws IOException {
        byte[] bytes = scan(conf, dir).toBytes();
        Path path = new Path(dir, FILE_NAME);
        try (FSDataOutputStream out = path.getFileSystem(conf).create(path, true)) {
            out.write(bytes);
        }
        return sha256Hex(bytes);
    }

    /**
     * Checks that {@code dir} holds exactly the files its manifest lists, with their sizes and digests, and that
     * the manifest is the one the registry recorded.
     *
     * @throws ArtifactIntegrityException naming the first offending files
     */
    public static void verify(Configuration conf, String dir, int modelVersion, String expectedManifestSha256)
            throws IOException {
        String what = "model v" + modelVersion + " artifact";
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.exists(root)) {
            throw new ArtifactIntegrityException(what + " directory " + dir + " does not exist; refusing to load");
        }
        Path manifestPath = new Path(root, FILE_NAME);
        if (!fs.exists(manifestPath)) {
            throw new ArtifactIntegrityException(what + " file " + FILE_NAME + ": missing; refusing to load");
        }
        byte[] manifestBytes;
        try (FSDataInputStream in = raw(fs).open(manifestPath)) {
            manifestBytes = in.readAllBytes();
        }
        String manifestSha = sha256Hex(manifestBytes);
        if (!manifestSha.equals(expectedManifestSha256)) {
            throw new ArtifactIntegrityException(what + " file " + FILE_NAME + ": sha256 mismatch (expected "
                    + expectedManifestSha256 + ", got " + manifestSha + "); refusing to load");
        }
        ArtifactManifest manifest = parse(manifestBytes);
        Map<String, FileStatus> present = listFiles(fs, root);
        List<String> problems = problems(manifest, present.keySet(), (name) -> {
            FileStatus f = present.get(name);
            return new Entry(name, f.getLen(), sha256(fs, f.getPath()));
        });
        if (!problems.isEmpty()) {
            throw new ArtifactIntegrityException(what + " " + String.join("; ", problems) + "; refusing to load");
        }
    }

    /** Reads one present file's size and digest. */
    @FunctionalInterface
    interface FileReader {
        Entry read(String relativePath) throws IOException;
    }

    /** Differences between the manifest and the files present, one {@code file X: ...} phrase each, sorted by path. */
    static List<String> problems(ArtifactManifest manifest, java.util.Set<String> present, FileReader reader)
            throws IOException {
        Map<String, String> problems = new TreeMap<>();
        Map<String, Entry> listed = new LinkedHashMap<>();
        for (Entry e : manifest.files()) {
            listed.put(e.path(), e);
        }
        for (Entry expected : listed.values()) {
            if (!present.contains(expected.path())) {
                problems.put(expected.path(), "file " + expected.path() + ": missing");
                continue;
            }
            Entry actual = reader.read(expected.path());
            if (actual.size() != expected.size()) {
                problems.put(expected.path(), "file " + expected.path() + ": size mismatch (expected "
                        + expected.size() + " bytes, got " + actual.size() + ")");
            } else if (!actual.sha256().equals(expected.sha256())) {
                problems.put(expected.path(), "file " + expected.path() + ": sha256 mismatch (expected "
                        + expected.sha256() + ", got " + actual.sha256() + ")");
            }
        }
        for (String name : new TreeSet<>(present)) {
            if (!listed.containsKey(name)) {
                problems.put(name, "file " + name + ": not listed in " + FILE_NAME + " (extra file)");
            }
        }
        return new ArrayList<>(problems.values());
    }

    /** The files under {@code root} by relative path, with the status the listing returned (its length is used). */
    private static Map<String, FileStatus> listFiles(FileSystem fs, Path root) throws IOException {
        String prefix = fs.makeQualified(root).toUri().getPath();
        prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        Map<String, FileStatus> files = new TreeMap<>();
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            // Not listFiles: its LocatedFileStatus reads each local file's permissions, which Hadoop without its native
            // library does by running `ls -ld` once per file (some 40 processes per artifact, on every night).
            listDirectory(fs, root, prefix, files);
            return files;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            add(fs, it.next(), prefix, files);
        }
        return files;
    }

    private static void listDirectory(FileSystem fs, Path dir, String prefix, Map<String, FileStatus> files) throws IOException {
        for (FileStatus status : fs.listStatus(dir)) {
            if (status.isDirectory()) {
                listDirectory(fs, status.getPath(), prefix, files);
            } else {
                add(fs, status, prefix, files);
            }
        }
    }

    private static void add(FileSystem fs, FileStatus file, String prefix, Map<String, FileStatus> files) {
        String path = fs.makeQualified(file.getPath()).toUri().getPath();
        if (!path.startsWith(prefix)) {
            throw new IllegalStateException("listed file " + path + " is not under " + prefix);
        }
        String relative = path.substring(prefix.length());
        if (!relative.equals(FILE_NAME) && !relative.equals(MANIFEST_CRC)) {
            files.put(relative, file);
        }
    }

    private static String sha256(FileSystem fs, Path path) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = raw(fs).open(path)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    // Read the bytes as stored: the local file system's own .crc check would fail a tampered file with a
    // ChecksumException before the manifest could say which file differs and how.
    private static FileSystem raw(FileSystem fs) {
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
