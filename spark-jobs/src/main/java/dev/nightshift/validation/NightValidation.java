package dev.nightshift.validation;

import dev.nightshift.contract.DataQualityPolicy;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Tables;
import dev.nightshift.contract.Warehouse;
import dev.nightshift.input.InputFrames;
import dev.nightshift.input.InputValidationException;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.spark.DbConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

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
     * The night's input rows tagged with their reasons (persisted: the caller scores {@link RowChecks#valid} of it and
     * must unpersist it), with the counts and the checks written.
     */
    public record Outcome(Dataset<Row> flagged, ValidationCounts counts, List<CheckResult> checks) {
    }

    /**
     * Validates {@code raw} (one business date's input as read, all columns) for {@code model}. {@code source} names
     * the input in messages. Throws {@link InputValidationException} on a schema error, an empty night or a failed gate.
     */
    public static Outcome run(DbConfig db, PipelineSpec spec, ModelVersion model, DataContract contract, Dataset<Row> raw,
                              String warehouse, LocalDate date, long runId, String source) throws Exception {
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

        Dataset<Row> flagged = RowChecks.flag(raw, contract).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            ValidationCounts counts = RowChecks.counts(flagged, contract);
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
            return new Outcome(flagged, counts, checks);
        } catch (Exception | Error e) {
            flagged.unpersist();
            throw e;
        }
    }
}
