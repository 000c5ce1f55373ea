package dev.nightshift.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nightshift.registry.ArtifactIntegrityException;
import dev.nightshift.registry.ArtifactManifest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a model's training rows looked like, saved as {@code profile.json} in the model directory (so the artifact
 * manifest's SHA-256 covers it): per numeric feature its moments, equal-frequency reference bins and a 101-point
 * quantile sketch ({@link QuantileSketch}); per categorical feature its counts per category; and the same numeric
 * profile of the model's own training-set output ({@code score} for classification, {@code prediction} for
 * regression). Counts exclude nulls; {@code nullCount} counts them.
 */
public record ReferenceProfile(int formatVersion, long rows, int bins, int quantileAccuracy,
                               List<NumericProfile> numeric, List<CategoricalProfile> categorical, NumericProfile prediction) {

    public static final String FILE_NAME = "profile.json";
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public ReferenceProfile {
        numeric = numeric == null ? List.of() : List.copyOf(numeric);
        categorical = categorical == null ? List.of() : List.copyOf(categorical);
    }

    /**
     * A numeric column: {@code binEdges} are the k interior edges of k + 1 bins, bin i holding
     * {@code edges[i-1] < x <= edges[i]}; {@code quantiles} is the 101-point sketch (empty if every value is null).
     * {@code std} is the sample standard deviation (n - 1).
     */
    public record NumericProfile(String name, long count, long nullCount, Double mean, Double std, Double min, Double max,
                                 double[] binEdges, long[] binCounts, double[] quantiles) {
    }

    /** A categorical column: non-null values counted per category (sorted by category). */
    public record CategoricalProfile(String name, long count, long nullCount, Map<String, Long> categories) {
        public CategoricalProfile {
            categories = new TreeMap<>(categories);
        }
    }

    public NumericProfile numeric(String name) {
        return numeric.stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    }

    public CategoricalProfile categorical(String name) {
        return categorical.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    }

    public byte[] toBytes() {
        try {
            return (MAPPER.writeValueAsString(this) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the reference profile", e);
        }
    }

    public static ReferenceProfile parse(byte[] bytes) {
        try {
            ReferenceProfile p = MAPPER.readValue(bytes, ReferenceProfile.class);
            if (p.formatVersion() != FORMAT_VERSION) {
                throw new IllegalArgumentException(FILE_NAME + " has format version " + p.formatVersion() + ", expected " + FORMAT_VERSION);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException(FILE_NAME + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Writes {@code profile.json} into a model directory (before its manifest is written). */
    public void write(Configuration conf, String dir) throws IOException {
        Path path = new Path(dir, FILE_NAME);
        try (FSDataOutputStream out = path.getFileSystem(conf).create(path, true)) {
            out.write(toBytes());
        }
    }

    /**
     * Reads a model directory's profile, which must be listed in the directory's manifest with the same SHA-256.
     * Call {@link ArtifactManifest#verify} first: that pins the manifest itself to the registry.
     */
    public static ReferenceProfile read(Configuration conf, String dir, int modelVersion) throws IOException {
        return readIfPresent(conf, dir, modelVersion).orElseThrow(() -> new IllegalStateException("model v" + modelVersion
                + " has no " + FILE_NAME + " (trained before drift profiles existed?); retrain it to monitor drift"));
    }

    /**
     * Like {@link #read}, but empty when the manifest lists no profile (a model trained before profiles existed);
     * a listed profile whose bytes do not match still fails.
     */
    public static java.util.Optional<ReferenceProfile> readIfPresent(Configuration conf, String dir, int modelVersion) throws IOException {
        Path root = new Path(dir);
        FileSystem fs = root.getFileSystem(conf);
        FileSystem raw = fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
        ArtifactManifest manifest;
        try (FSDataInputStream in = raw.open(new Path(root, ArtifactManifest.FILE_NAME))) {
            manifest = ArtifactManifest.parse(in.readAllBytes());
        }
        ArtifactManifest.Entry entry = manifest.files().stream().filter(e -> e.path().equals(FILE_NAME)).findFirst().orElse(null);
        if (entry == null) {
            return java.util.Optional.empty();
        }
        byte[] bytes;
        try (FSDataInputStream in = raw.open(new Path(root, FILE_NAME))) {
            bytes = in.readAllBytes();
        }
        String sha = ArtifactManifest.sha256Hex(bytes);
        if (!sha.equals(entry.sha256())) {
            throw new ArtifactIntegrityException("model v" + modelVersion + " artifact file " + FILE_NAME
                    + ": sha256 mismatch (expected " + entry.sha256() + ", got " + sha + "); refusing to load");
        }
        return java.util.Optional.of(parse(bytes));
    }
}
