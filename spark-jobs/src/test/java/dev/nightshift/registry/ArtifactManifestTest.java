package dev.nightshift.registry;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ArtifactManifestTest {

    private final Configuration conf = new Configuration();
    @TempDir
    Path dir;
    private String uri;
    private String sha;

    @BeforeEach
    void writeArtifact() throws Exception {
        Files.createDirectories(dir.resolve("stages/0_imputer/data"));
        Files.writeString(dir.resolve("metadata.json"), "{\"class\":\"PipelineModel\"}");
        Files.writeString(dir.resolve("stages/0_imputer/data/part-00000.parquet"), "abcdefgh");
        uri = dir.toUri().toString();
        sha = ArtifactManifest.write(conf, uri);
    }

    @Test
    void listsEveryFileSortedWithSizeAndDigest() throws Exception {
        ArtifactManifest manifest = ArtifactManifest.parse(Files.readAllBytes(dir.resolve("manifest.json")));

        assertThat(manifest.files()).extracting(ArtifactManifest.Entry::path)
                .containsExactly("metadata.json", "stages/0_imputer/data/part-00000.parquet");
        assertThat(manifest.files().get(1).size()).isEqualTo(8);
        assertThat(manifest.files().get(1).sha256())
                .isEqualTo(ArtifactManifest.sha256Hex("abcdefgh".getBytes(StandardCharsets.UTF_8)));
        assertThat(sha).matches("[0-9a-f]{64}").isEqualTo(ArtifactManifest.sha256Hex(Files.readAllBytes(dir.resolve("manifest.json"))));
    }

    @Test
    void anUntouchedArtifactVerifies() throws Exception {
        ArtifactManifest.verify(conf, uri, 3, sha);
    }

    @Test
    void aTamperedFileOfTheSameSizeIsNamed() throws Exception {
        Files.writeString(dir.resolve("stages/0_imputer/data/part-00000.parquet"), "abcdefgX");

        assertThatThrownBy(() -> ArtifactManifest.verify(conf, uri, 3, sha))
                .isInstanceOf(ArtifactIntegrityException.class)
                .hasMessageStartingWith("model v3 artifact file stages/0_imputer/data/part-00000.parquet: sha256 mismatch (expected "
                        + ArtifactManifest.sha256Hex("abcdefgh".getBytes(StandardCharsets.UTF_8)) + ", got ")
                .hasMessageEndingWith("; refusing to load");
    }

    @Test
    void aGrownFileIsASizeMismatch() throws Exception {
        Files.writeString(dir.resolve("metadata.json"), "{\"class\":\"PipelineModel\"} ");

        assertThatThrownBy(() -> ArtifactManifest.verify(conf, uri, 3, sha))
                .hasMessageContaining("file metadata.json: size mismatch (expected 25 bytes, got 26)");
    }

    @Test
    void anExtraFileIsNamed() throws Exception {
        Files.writeString(dir.resolve("stages/0_imputer/data/evil.class"), "x");

        assertThatThrownBy(() -> ArtifactManifest.verify(conf, uri, 3, sha))
                .hasMessage("model v3 artifact file stages/0_imputer/data/evil.class: not listed in manifest.json (extra file); refusing to load");
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Files.delete(dir.resolve("metadata.json"));

        assertThatThrownBy(() -> ArtifactManifest.verify(conf, uri, 3, sha))
                .hasMessage("model v3 artifact file metadata.json: missing; refusing to load");
    }

    @Test
    void anEditedManifestDoesNotMatchTheRegisteredDigest() throws Exception {
        Files.writeString(dir.resolve("manifest.json"), "{\"files\":[]}");

        assertThatThrownBy(() -> ArtifactManifest.verify(conf, uri, 3, sha))
                .hasMessageStartingWith("model v3 artifact file manifest.json: sha256 mismatch (expected " + sha + ", got ");
    }

    @Test
    void filesWrittenThroughHadoopAreListedAsHadoopListsThemWithoutTheirChecksumFiles() throws Exception {
        // as Spark writes an artifact: through the checksummed local file system (a .crc beside each file), in nested
        // folders, with a _SUCCESS marker
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.resolve("written").toUri());
        org.apache.hadoop.fs.FileSystem fs = root.getFileSystem(conf);
        for (String name : java.util.List.of("metadata/part-00000", "metadata/_SUCCESS", "stages/1_lr/data/part-00000.snappy.parquet",
                "stages/1_lr/metadata/part-00000", "stages/1_lr/metadata/_SUCCESS")) {
            try (org.apache.hadoop.fs.FSDataOutputStream out = fs.create(new org.apache.hadoop.fs.Path(root, name))) {
                out.write(name.getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(dir.resolve("written/stages/1_lr/data/.part-00000.snappy.parquet.crc")).exists();
        java.util.List<String> hadoop = new java.util.ArrayList<>();
        org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            hadoop.add(root.toUri().relativize(it.next().getPath().toUri()).getPath());
        }
        String writtenSha = ArtifactManifest.write(conf, root.toString());

        ArtifactManifest manifest = ArtifactManifest.parse(Files.readAllBytes(dir.resolve("written/manifest.json")));
        assertThat(manifest.files()).extracting(ArtifactManifest.Entry::path)
                .containsExactlyElementsOf(hadoop.stream().sorted().toList())
                .containsExactly("metadata/_SUCCESS", "metadata/part-00000", "stages/1_lr/data/part-00000.snappy.parquet",
                        "stages/1_lr/metadata/_SUCCESS", "stages/1_lr/metadata/part-00000");
        ArtifactManifest.verify(conf, root.toString(), 1, writtenSha);
        Files.writeString(dir.resolve("written/stages/1_lr/data/part-00001.snappy.parquet"), "x");
        assertThatThrownBy(() -> ArtifactManifest.verify(conf, root.toString(), 1, writtenSha))
                .hasMessageContaining("file stages/1_lr/data/part-00001.snappy.parquet: not listed in manifest.json (extra file)");
    }
}
