package dev.nightshift.input;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static scala.jdk.javaapi.CollectionConverters.asJava;

/**
 * The files a Dataset reads, as Spark listed them when the Dataset was created (path, length, modification time):
 * a night that reads its input files more than once instead of caching them checks with {@link #requireUnchanged}
 * that the later reads saw the files the first one did. Every execution of the same Dataset reads the files of that
 * one listing; a file rewritten in place in between would give another night's rows to the later read.
 */
public final class InputFiles {

    private record Listed(long length, long modified) {
    }

    private final Map<Path, Listed> files;
    private final Configuration conf;

    private InputFiles(Map<Path, Listed> files, Configuration conf) {
        this.files = files;
        this.conf = conf;
    }

    /** The files of {@code rows} when every source under it is a listing of files (Parquet, ORC, CSV, JSON); else empty. */
    public static Optional<InputFiles> of(Dataset<Row> rows) {
        List<LogicalPlan> leaves = asJava(rows.queryExecution().analyzed().collectLeaves());
        Map<Path, Listed> files = new LinkedHashMap<>();
        for (LogicalPlan leaf : leaves) {
            if (!(leaf instanceof LogicalRelation r) || !(r.relation() instanceof HadoopFsRelation fs)
                    || !(fs.location() instanceof PartitioningAwareFileIndex index)) {
                return Optional.empty();
            }
            for (FileStatus f : asJava(index.allFiles())) {
                files.put(f.getPath(), new Listed(f.getLen(), f.getModificationTime()));
            }
        }
        return leaves.isEmpty() ? Optional.empty()
                : Optional.of(new InputFiles(files, rows.sparkSession().sparkContext().hadoopConfiguration()));
    }

    public int size() {
        return files.size();
    }

    /**
     * Fails with the first file that is gone or whose length or modification time is not what was listed, saying that
     * {@code source} changed while it was read.
     */
    public void requireUnchanged(String source) throws IOException {
        for (Map.Entry<Path, Listed> e : files.entrySet()) {
            Path path = e.getKey();
            Listed listed = e.getValue();
            FileStatus now;
            try {
                now = path.getFileSystem(conf).getFileStatus(path);
            } catch (FileNotFoundException gone) {
                throw new InputValidationException(source + " changed while the night read it: file " + path
                        + " is gone; rerun the night once the input is complete", gone);
            }
            if (now.getLen() != listed.length() || now.getModificationTime() != listed.modified()) {
                throw new InputValidationException(source + " changed while the night read it: file " + path + " was "
                        + listed.length() + " bytes modified at " + listed.modified() + " when listed, now " + now.getLen()
                        + " bytes modified at " + now.getModificationTime() + "; rerun the night once the input is complete");
            }
        }
    }
}
