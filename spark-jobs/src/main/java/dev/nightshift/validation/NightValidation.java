package dev.nightshift.validation;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Tables;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.drift.CurrentProfile;
import dev.nightshift.drift.Profiling;
import dev.nightshift.input.InputFrames;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.spark.DbConfig;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

/**
 * The validation phase of a night, run by ScoreJob in its own Spark application before scoring (see the package
 * documentation for why it is not an application of its own). Checks the schema (a missing or mistyped column fails
 * the run), flags every row against the {@link DataContract}, counts in one aggregation, replaces the night in the
 * quarantine table and in {@code data_quality} (with the run's rows_quarantined), and only then fails the run if a
 * dataset-level gate failed, so the evidence is kept while predictions stay untouched.
 */
public final class NightValidation {

    private static final Logger log = LoggerFactory.getLogger(NightValidation.class);

    private NightValidation() {
    }

    /**
     * The night's input rows tagged with their reasons (over cached input: the caller scores {@link RowChecks#valid}
     * of {@link #flagged} and must {@link #release} them), with the counts and the checks written.
     */
    public record Outcome(RowChecks.Flagged flags, ValidationCounts counts, List<CheckResult> checks, CurrentProfile inputProfile) {
        public Dataset<Row> flagged() {
            return flags.rows();
        }

        public void release() {
            flags.release();
        }
    }

    /** The validation counts and, when asked for, the drift profile of the same rows, from one aggregation. */
    public record Pass(ValidationCounts counts, CurrentProfile inputProfile) {
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
     * and, when {@code drift} is not null, profiles the night's input for drift in the same aggregation as the counts
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

        RowChecks.Flagged flags = RowChecks.flagCached(raw, contract);
        Dataset<Row> flagged = flags.rows();
        try {
            Pass pass = countAndProfile(flagged, contract, drift);
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
            QuarantineTable.replaceDate(RowChecks.quarantined(flagged, contract, date, runId), quarantine, date);
            try (Connection c = db.connect()) {
                DataQualityTable.replace(c, spec.name(), date, runId, model.id(), checks, counts.quarantined(), checkedAt);
            }
            log.info("{} {}: {} input rows, {} valid, {} quarantined in {}; {} checks written to {}", spec.name(), date, counts.rows(),
                    counts.valid(), counts.quarantined(), quarantine, checks.size(), Tables.DATA_QUALITY);
            List<CheckResult> failed = checks.stream().filter(CheckResult::failedGate).toList();
            if (!failed.isEmpty()) {
                throw new InputValidationException(DataQualityGates.failureMessage(spec.name(), date, failed, quarantine));
            }
            return new Outcome(flags, counts, checks, pass.inputProfile());
        } catch (Exception | Error e) {
            flags.release();
            throw e;
        }
    }

    /**
     * The counts of {@link RowChecks#counts} over a flagged frame and, when {@code drift} is not null, the drift
     * profile of all its rows (quarantined ones included: drift describes the input as it arrived) exactly as
     * {@link Profiling#current} computes it over {@link Profiling#nightFrame}: the counts in the same aggregation as
     * the profile's counts, then the profile's sketches ({@link Profiling#summarize}), both over the cached rows.
     */
    public static Pass countAndProfile(Dataset<Row> flagged, DataContract contract, Profiling.Request drift) {
        if (drift == null) {
            return new Pass(RowChecks.counts(flagged, contract), null);
        }
        if (drift.features().stream().anyMatch(f -> f.name().equals(Columns.REASONS))) {
            throw new IllegalArgumentException("a feature named '" + Columns.REASONS + "' cannot be profiled beside the validation"
                    + " reasons; profile it separately");
        }
        Profiling.Summary summary = Profiling.summarize(Profiling.nightFrame(flagged, contract.idColumn(), drift.features(), Columns.REASONS),
                RowChecks.countAggregates(contract), drift.numeric(), drift.categorical());
        return new Pass(RowChecks.readCounts(summary.counts(), 1, summary.profile().rows(), contract), summary.profile());
    }
}
