package dev.nightshift.evaluation;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.EvaluateArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Tables;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.input.PipelineInput;
import dev.nightshift.privacy.IdPseudonymization;
import dev.nightshift.registry.RunRows;
import dev.nightshift.registry.SpecStore;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.JobMain;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Evaluates published predictions, and a challenger's shadow predictions, against ground truth that has arrived: for
 * run date D, every business date of the {@link EvaluationWindow} that has predictions in the warehouse Delta tables
 * is joined with its labels, and the
 * metrics of each (date, model version) with at least one usable label replace that date's rows in
 * {@code nightshift.model_metrics} (one transaction for all dates). Dates without labels yet are left untouched. With
 * {@code monitoring.segments}, the same metrics per segment value go to {@code nightshift.model_segment_metrics}; the
 * segment values are read from the dates' input.
 */
public final class EvaluateJob {

    private static final Logger log = LoggerFactory.getLogger(EvaluateJob.class);

    private EvaluateJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-evaluate", args, EvaluateArgs::parse, (spark, a) -> run(spark, a, DbConfig.fromEnv()));
    }

    /** Returns the rows written (empty when no date of the window has both predictions and labels). */
    public static List<MetricRow> run(SparkSession spark, EvaluateArgs args, DbConfig db) throws Exception {
        return run(spark, args, db, Bootstrap.DEFAULT_REPLICATES);
    }

    static List<MetricRow> run(SparkSession spark, EvaluateArgs args, DbConfig db, int replicates) throws Exception {
        PipelineSpec spec;
        try (Connection c = db.connect()) {
            spec = SpecStore.load(c, args.pipeline(), args.specVersion());
            RunRows.require(c, args.runId(), args.pipeline());
        }
        EvaluationWindow window = EvaluationWindow.of(args.businessDate(), spec);
        String table = Warehouse.predictions(args.warehouse(), args.pipeline());
        if (!deltaTableExists(spark, table)) {
            log.info("{} {}: no predictions table {} yet; nothing to evaluate", args.pipeline(), args.businessDate(), table);
            return List.of();
        }
        Dataset<Row> predictions = spark.read().format("delta").load(table);
        // A challenger's shadow predictions are evaluated beside the champion's (metrics are per model version), so
        // that its live record accrues before anyone promotes it.
        String shadow = Warehouse.shadowPredictions(args.warehouse(), args.pipeline());
        if (deltaTableExists(spark, shadow)) {
            predictions = predictions.unionByName(spark.read().format("delta").load(shadow));
        }
        predictions = predictions.where(col(Columns.BUSINESS_DATE).between(lit(window.from()), lit(window.to()))
                .and(col(Columns.PIPELINE).equalTo(args.pipeline())));
        TreeSet<LocalDate> dates = new TreeSet<>();
        for (Row r : predictions.select(Columns.BUSINESS_DATE).distinct().collectAsList()) {
            dates.add(r.getAs(0));
        }
        if (dates.isEmpty()) {
            log.info("{} {}: no predictions between {} and {}; nothing to evaluate", args.pipeline(), args.businessDate(),
                    window.from(), window.to());
            return List.of();
        }
        log.info("{} {}: evaluating predicted dates {} (window {} .. {})", args.pipeline(), args.businessDate(), dates,
                window.from(), window.to());

        // Predictions of a pseudonymizing pipeline hold pseudonyms: the labels get the same ones (same key) to match.
        Dataset<Row> labels = IdPseudonymization.apply(spec, PipelineInput.labels(spark, spec, args.warehouse(), dates.first(), dates.last()),
                dev.nightshift.contract.Columns.ENTITY_ID);
        Dataset<Row> joined = LabelledPredictions.join(predictions, labels).persist(StorageLevel.MEMORY_AND_DISK());
        List<MetricRow> rows;
        try {
            double threshold = spec.model() == null ? 0.5 : spec.model().threshold();
            long seed = spec.model() == null ? 42L : spec.model().seed();
            List<String> segments = spec.monitoring() == null ? List.of() : spec.monitoring().segments();
            Dataset<Row> values = segments.isEmpty() ? null : Segments.values(IdPseudonymization.apply(spec,
                    PipelineInput.forDates(spark, spec, args.warehouse(), dates.first(), dates.last()), spec.input().idColumn()),
                    spec.input().idColumn(), segments);
            rows = ModelEvaluation.evaluate(joined, values, segments, spec.task(), threshold, seed, replicates);
        } finally {
            joined.unpersist();
        }
        TreeSet<LocalDate> evaluated = new TreeSet<>();
        rows.forEach(r -> evaluated.add(r.businessDate()));
        TreeSet<LocalDate> unlabelled = new TreeSet<>(dates);
        unlabelled.removeAll(evaluated);
        if (!unlabelled.isEmpty()) {
            log.info("{} {}: no labels yet for predicted dates {}; left as they are", args.pipeline(), args.businessDate(), unlabelled);
        }
        int written = ModelMetricsTable.replaceDates(db, args.pipeline(), rows, args.runId(), Instant.now().truncatedTo(ChronoUnit.MICROS));
        log.info("{} {}: {} metric rows for dates {} written to {} and {}", args.pipeline(), args.businessDate(), written, evaluated,
                Tables.MODEL_METRICS, Tables.MODEL_SEGMENT_METRICS);
        return rows;
    }

    private static boolean deltaTableExists(SparkSession spark, String table) throws java.io.IOException {
        Path log = new Path(table + "/_delta_log");
        return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    }
}
