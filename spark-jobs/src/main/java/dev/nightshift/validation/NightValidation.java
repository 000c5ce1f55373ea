package dev.nightshift.validation;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Tables;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.drift.ColumnarPass;
import dev.nightshift.drift.CurrentProfile;
import dev.nightshift.drift.OnePass;
import dev.nightshift.drift.Profiling;
import dev.nightshift.input.FooterCount;
import dev.nightshift.input.InputFiles;
import dev.nightshift.input.InputFrames;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.spark.DbConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * The validation phase of a night, run by ScoreJob in its own Spark application before scoring (see the package
 * documentation for why it is not an application of its own). Checks the schema (a missing or mistyped column fails
 * the run), flags every row against the {@link DataContract}, counts in one pass, replaces the night in the
 * quarantine table and in {@code data_quality} (with the run's rows_quarantined), and only then fails the run if a
 * dataset-level gate failed, so the evidence is kept while predictions stay untouched.
 */
public final class NightValidation {

    private static final Logger log = LoggerFactory.getLogger(NightValidation.class);
    /**
     * Input formats whose row count comes from file metadata, without decoding a value: a plain read of Parquet or ORC
     * files from their footers on the driver ({@link FooterCount}), anything else by Spark's count, which reads only
     * the metadata of these formats.
     */
    private static final java.util.Set<String> COUNTED_FROM_FOOTERS = java.util.Set.of("parquet", "orc", "delta");
    /**
     * Input formats whose files the night reads again for the quarantine and scoring instead of caching them, when the
     * column pass reads them: a second read of columnar files costs less than filling Spark's cache with every row
     * (the profiling benchmark, docs/performance-log.md). Not Delta, whose reads go through its log rather than a listing of files.
     */
    private static final java.util.Set<String> READ_AGAIN = java.util.Set.of("parquet", "orc");

    private NightValidation() {
    }

    /**
     * The night's input rows tagged with their reasons (the caller scores {@link RowChecks#valid} of {@link #flagged}
     * and must {@link #release} them), with the counts and the checks written. Over cached input, or, when
     * {@code files} is not null, over the input files read again: then {@link #requireInputUnchanged} after each
     * later read of them.
     */
    public record Outcome(RowChecks.Flagged flags, ValidationCounts counts, List<CheckResult> checks, CurrentProfile inputProfile,
                          InputFiles files) {
        public Dataset<Row> flagged() {
            return flags.rows();
        }

        /** Whether the flagged rows are read from the input files again rather than from a cache. */
        public boolean readsFilesAgain() {
            return files != null;
        }

        /**
         * Fails ({@link InputValidationException}) when the input files are read again and one of them is gone or
         * changed since the pass listed it: the rows read after the pass would not be those it counted.
         */
        public void requireInputUnchanged(String source) throws java.io.IOException {
            if (files != null) {
                files.requireUnchanged(source);
            }
        }

        public void release() {
            flags.release();
        }
    }

    /**
     * The validation counts, the ids that occur more than once (cached: {@link RowChecks#flagged} takes them) and, when
     * asked for, the drift profile of the same rows, from one pass over them.
     */
    public record Pass(ValidationCounts counts, RowChecks.RepeatedIds repeatedIds, CurrentProfile inputProfile) {
    }

    /**
     * Validates {@code raw} (one business date's input as read, all columns) for {@code model}. {@code source} names
     * the input in messages. Throws {@link InputValidationException} on a schema error, an empty night or a failed gate.
     */
    public static Outcome run(DbConfig db, PipelineSpec spec, ModelVersion model, DataContract contract, Dataset<Row> raw,
                              String warehouse, LocalDate date, long runId, String source) throws Exception {
        return run(db, spec, model, contract, raw, warehouse, date, runId, source, null);
    }

    /**
     * Like {@link #run(DbConfig, PipelineSpec, ModelVersion, DataContract, Dataset, String, LocalDate, long, String)},
     * and, when {@code drift} is not null, profiles the night's input for drift in the same pass as the counts
     * ({@link #countAndProfile}): the outcome's {@code inputProfile} (null otherwise).
     */
    public static Outcome run(DbConfig db, PipelineSpec spec, ModelVersion model, DataContract contract, Dataset<Row> raw,
                              String warehouse, LocalDate date, long runId, String source, Profiling.Request drift) throws Exception {
        Instant checkedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try {
            InputFrames.checkSchema(raw.schema(), contract.idColumn(), model.features());
        } catch (InputValidationException e) {
            try (Connection c = db.connect()) {
                DataQualityTable.replace(c, spec.name(), date, runId, model.id(), List.of(new CheckResult(CheckResult.SCHEMA, null,
                        null, null, false, null, e.getMessage(), true)), null, checkedAt);
            }
            throw e;
        }

        // Parquet and ORC files that the column pass reads: counted from their footers, checked and profiled in that pass,
        // then read again (row by row, with the same checks as expressions) for the quarantine and scoring, against the
        // listing the pass read (InputFiles), unless the spec says input.cache: always. Anything else is cached: read
        // once, then checked, profiled, scored and quarantined from memory; a columnar file's rows are counted from its
        // footers, so the pass itself fills the cache; other formats are counted by filling it.
        String format = spec.input().format();
        long total = COUNTED_FROM_FOOTERS.contains(format) ? FooterCount.count(raw) : -1;
        InputFiles files = READ_AGAIN.contains(format) && !spec.input().alwaysCached() ? InputFiles.of(raw).orElse(null) : null;
        Optional<Pass> fromFiles = files == null ? Optional.empty() : columnarPass(raw, total, contract, drift);
        Dataset<Row> input;
        Pass pass;
        if (fromFiles.isPresent()) {
            input = raw;
            pass = fromFiles.get();
            log.info("{} {}: {} input files checked in one pass, read again for the quarantine and scoring", spec.name(), date,
                    files.size());
        } else {
            files = null;
            input = raw.persist(StorageLevel.MEMORY_AND_DISK());
            try {
                pass = countAndProfile(input, total < 0 ? input.count() : total, contract, drift);
            } catch (Exception | Error e) {
                input.unpersist();
                throw e;
            }
        }
        RowChecks.Flagged flags = RowChecks.flagged(input, pass.repeatedIds(), contract);
        Dataset<Row> flagged = flags.rows();
        try {
            ValidationCounts counts = pass.counts();
            if (counts.rows() == 0) {
                throw new InputValidationException("no input rows for business date " + date + " in " + source);
            }
            DataQualityPolicy policy = DataQualityGates.policy(spec);
            List<CheckResult> checks;
            try (Connection c = db.connect()) {
                checks = DataQualityGates.evaluate(counts, policy, DataQualityTable.rowCountHistory(c, spec.name(), date, policy.rowCountNights()));
            }
            String quarantine = Warehouse.quarantine(warehouse, spec.name());
            QuarantineTable.replaceDate(RowChecks.quarantined(flagged, contract, date, runId), counts.quarantined(), quarantine, date);
            try (Connection c = db.connect()) {
                DataQualityTable.replace(c, spec.name(), date, runId, model.id(), checks, counts.quarantined(), checkedAt);
            }
            log.info("{} {}: {} input rows, {} valid, {} quarantined in {}; {} checks written to {}", spec.name(), date, counts.rows(),
                    counts.valid(), counts.quarantined(), quarantine, checks.size(), Tables.DATA_QUALITY);
            List<CheckResult> failed = checks.stream().filter(CheckResult::failedGate).toList();
            if (!failed.isEmpty()) {
                throw new InputValidationException(DataQualityGates.failureMessage(spec.name(), date, failed, quarantine));
            }
            return new Outcome(flags, counts, checks, pass.inputProfile(), files);
        } catch (Exception | Error e) {
            flags.release();
            throw e;
        }
    }

    /**
     * The counts of {@link RowChecks#counts(Dataset, DataContract)} over the flagged {@code input} and, when {@code drift}
     * is not null, the drift profile of all its rows (quarantined ones included: drift describes the input as it arrived)
     * as {@link Profiling#current} computes it over {@link Profiling#nightFrame}: a row count, then one pass over the rows
     * ({@link ColumnarPass} when Spark reads {@code input} as column batches, else {@link OnePass}) for everything but the
     * ids that occur more than once, which are resolved among the rows whose id hash repeats (normally none). Meant for
     * cached input or files read as column batches: it is read twice, three times when an id hash repeats.
     */
    public static Pass countAndProfile(Dataset<Row> input, DataContract contract, Profiling.Request drift) {
        return countAndProfile(input, FooterCount.count(input), contract, drift);
    }

    /**
     * As {@link #countAndProfile(Dataset, DataContract, Profiling.Request)}, with the rows of {@code input} counted
     * before ({@code total}); fails if the pass finds another number.
     */
    public static Pass countAndProfile(Dataset<Row> input, long total, DataContract contract, Profiling.Request drift) {
        return columnarPass(input, total, contract, drift).orElseGet(() -> finish(input, rowPass(input, total, contract, drift), contract, drift));
    }

    /**
     * {@link #countAndProfile(Dataset, long, DataContract, Profiling.Request)} when {@link ColumnarPass} reads {@code input}
     * as column batches; empty otherwise, having read nothing.
     */
    public static Optional<Pass> columnarPass(Dataset<Row> input, long total, DataContract contract, Profiling.Request drift) {
        return ColumnarPass.run(input, total, contract.idColumn(), RowChecks.columnarChecks(contract),
                drift == null ? List.of() : drift.features(), drift == null ? List.of() : drift.numeric(),
                drift == null ? List.of() : drift.categorical()).map(r -> finish(input, r, contract, drift));
    }

    private static Pass finish(Dataset<Row> input, OnePass.Result r, DataContract contract, Profiling.Request drift) {
        RowChecks.RepeatedIds repeated = RowChecks.repeatedIds(input, contract, r.repeatedIdHashes());
        return new Pass(RowChecks.counts(r.rows(), r.failing(), r.failingAny(), repeated, contract), repeated,
                drift == null ? null : r.profile());
    }

    /**
     * {@link OnePass} over Spark's rows, for input that {@link ColumnarPass} does not read (and for the profiling
     * benchmark, which compares the two).
     */
    public static OnePass.Result rowPass(Dataset<Row> input, long total, DataContract contract, Profiling.Request drift) {
        return rowPass(input, total, contract, drift, dev.nightshift.drift.QuantileSketch.SAMPLE_ROWS);
    }

    /** As {@link #rowPass(Dataset, long, DataContract, Profiling.Request)} with a sample of about {@code sampleRows} rows (tests). */
    public static OnePass.Result rowPass(Dataset<Row> input, long total, DataContract contract, Profiling.Request drift, long sampleRows) {
        List<Column> conditions = RowChecks.otherConditions(contract);
        List<Column> marked = new ArrayList<>(List.of(col("*")));
        List<String> marks = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i++) {
            marks.add("__nightshift_check_" + i);
            marked.add(conditions.get(i).as(marks.get(i)));
        }
        Dataset<Row> frame = input.select(marked.toArray(Column[]::new));
        String id = contract.idColumn();
        if (drift != null) {
            frame = Profiling.nightFrame(frame, id, drift.features(), marks.toArray(String[]::new));
            id = Columns.ENTITY_ID;
        }
        return OnePass.run(frame, total, id, marks.stream().map(org.apache.spark.sql.functions::col).toList(), marks,
                drift == null ? List.of() : drift.numeric(), drift == null ? List.of() : drift.categorical(), sampleRows);
    }
}
