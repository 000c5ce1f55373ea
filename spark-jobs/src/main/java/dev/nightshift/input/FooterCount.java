package dev.nightshift.input;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.orc.OrcFile;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression$;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.execution.datasources.FileStatusWithMetadata;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import org.apache.spark.sql.execution.datasources.orc.OrcFileFormat;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.internal.SQLConf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static scala.jdk.javaapi.CollectionConverters.asJava;
import static scala.jdk.javaapi.CollectionConverters.asScala;

/**
 * The row count of a plain read of Parquet or ORC files, from their footers, read on the driver: no Spark job. A night's
 * validation needs its row count before its one pass (the sample's share depends on it), and {@code Dataset.count()}
 * of such a read is a job that opens every file's footer in a task of its own: 0.15-0.19 s of a 1.1-s validation pass
 * over 5,000,000 rows in eight files in a throwaway timed build (a hint; the profiling benchmark is the measure). Projections and aliases keep
 * every row, and a filter of partition values only (a night's date of a dataset partitioned by date) keeps whole
 * files, those Spark's listing prunes to; anything else is counted by Spark: another filter, a join or any other
 * operator above the files, another source (Delta, whose deletion vectors a footer does not know; CSV, JSON), a format
 * subclass, more than {@link #MAX_FILES} files (one driver reading thousands of footers is slower than a job doing it
 * in parallel, on object storage by far), or a read that skips corrupt or missing files. A wrong count cannot pass
 * unnoticed: the pass fails when it reads another number of rows than it was given.
 */
public final class FooterCount {

    /** At most this many files are counted on the driver. */
    static final int MAX_FILES = 64;
    /** Footers read at once (each is a small read at the end of its file; on object storage, a request). */
    private static final int THREADS = 8;

    private FooterCount() {
    }

    /** {@code rows.count()}, from the files' footers when {@link #fromFooters} can, else by Spark. */
    public static long count(Dataset<Row> rows) {
        OptionalLong footers = fromFooters(rows);
        return footers.isPresent() ? footers.getAsLong() : rows.count();
    }

    /**
     * The row count of {@code rows} from its files' footers, or empty when {@code rows} is not a plain read (or a read
     * filtered on partition values only) of at most {@link #MAX_FILES} Parquet or ORC files.
     */
    public static OptionalLong fromFooters(Dataset<Row> rows) {
        LogicalPlan plan = rows.queryExecution().analyzed();
        List<Expression> filters = new ArrayList<>();
        while (plan instanceof Project || plan instanceof SubqueryAlias || plan instanceof Filter) {
            if (plan instanceof Filter f) {
                conjuncts(f.condition(), filters);
            }
            plan = plan.children().head();
        }
        if (!(plan instanceof LogicalRelation r) || !(r.relation() instanceof HadoopFsRelation fs)
                || !(fs.location() instanceof PartitioningAwareFileIndex index)) {
            return OptionalLong.empty();
        }
        // a filter of partition values only (the night's date of a dataset partitioned by date) selects whole files,
        // which Spark's listing prunes as it does for the scan; any other filter drops rows that only a read can find
        // (the relation's own partition attributes, by id: a column of another origin may carry a partition column's name)
        List<String> partitionNames = List.of(fs.partitionSchema().fieldNames());
        Set<ExprId> partitionColumns = asJava(r.output()).stream().filter(a -> partitionNames.contains(a.name()))
                .map(Attribute::exprId).collect(Collectors.toSet());
        for (Expression e : filters) {
            List<Attribute> references = asJava(e.references().toSeq());
            if (references.isEmpty() || !references.stream().allMatch(a -> partitionColumns.contains(a.exprId()))
                    || !e.deterministic() || SubqueryExpression$.MODULE$.hasSubquery(e)) {
                return OptionalLong.empty();
            }
        }
        Class<?> format = fs.fileFormat().getClass();
        if (format != ParquetFileFormat.class && format != OrcFileFormat.class) {
            return OptionalLong.empty();
        }
        SQLConf conf = rows.sparkSession().sessionState().conf();
        if (option(fs, "ignoreCorruptFiles", conf.ignoreCorruptFiles()) || option(fs, "ignoreMissingFiles", conf.ignoreMissingFiles())) {
            return OptionalLong.empty();
        }
        List<FileStatus> files = filters.isEmpty() ? asJava(index.allFiles())
                : asJava(index.listFiles(asScala(filters).toSeq(), asScala(List.<Expression>of()).toSeq())).stream()
                        .flatMap(d -> asJava(d.files()).stream().map(FileStatusWithMetadata::fileStatus)).toList();
        if (files.size() > MAX_FILES) {
            return OptionalLong.empty();
        }
        Configuration hadoop = rows.sparkSession().sessionState().newHadoopConfWithOptions(fs.options());
        boolean parquet = format == ParquetFileFormat.class;
        if (files.size() <= 1) {
            return OptionalLong.of(files.isEmpty() ? 0 : rowsOf(files.get(0), parquet, hadoop));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size()), runnable -> {
            Thread t = new Thread(runnable, "nightshift-footer-count");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Long>> counts = new ArrayList<>();
            for (FileStatus f : files) {
                counts.add(pool.submit(() -> rowsOf(f, parquet, hadoop)));
            }
            long total = 0;
            for (Future<Long> c : counts) {
                total += c.get();
            }
            return OptionalLong.of(total);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while counting the rows of " + files.size() + " input files", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void conjuncts(Expression e, List<Expression> into) {
        if (e instanceof And and) {
            conjuncts(and.left(), into);
            conjuncts(and.right(), into);
        } else {
            into.add(e);
        }
    }

    /** A boolean read option of the relation, else the session's setting. */
    private static boolean option(HadoopFsRelation fs, String name, boolean session) {
        scala.Option<String> v = fs.options().get(name);
        if (v.isEmpty()) {
            v = fs.options().get(name.toLowerCase(Locale.ROOT));
        }
        return v.isDefined() ? Boolean.parseBoolean(v.get()) : session;
    }

    private static long rowsOf(FileStatus file, boolean parquet, Configuration conf) {
        try {
            if (parquet) {
                // the Hadoop options give the reader the decryption properties of encrypted Parquet (see README, Privacy)
                try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf),
                        HadoopReadOptions.builder(conf, file.getPath()).build())) {
                    return reader.getFooter().getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
                }
            }
            try (org.apache.orc.Reader reader = OrcFile.createReader(file.getPath(), OrcFile.readerOptions(conf)
                    .filesystem(file.getPath().getFileSystem(conf)).maxLength(file.getLen()))) {
                return reader.getNumberOfRows();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the footer of input file " + file.getPath() + " to count its rows: "
                    + e.getMessage(), e);
        }
    }
}
