package dev.nightshift.privacy;

import dev.nightshift.audit.AuditLog;
import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.ForgetArgs;
import dev.nightshift.contract.JobEnvironment;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Pseudonyms;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.runs.RunRefusedException;
import dev.nightshift.runs.RunRepository;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code nightshift forget}: erases entities from a pipeline's outputs. The Delta tables of the warehouse
 * (predictions, shadow predictions, quarantine) are erased and vacuumed by {@code ForgetJob}; then, in one transaction,
 * the PostgreSQL predictions are deleted, the staging tables that killed nights of the pipeline left behind dropped,
 * the erasure row completed and the audit log written (counts only, never an id). Entities are matched by their raw
 * id and, when a pseudonymization key is configured (required when the spec sets {@code privacy.pseudonymizeIds}), by
 * its pseudonym. Refused while a run of the pipeline is active: a vacuum with a short retention could remove the files
 * an active night is about to commit.
 */
@Service
public class ForgetService {
    private static final Logger log = LoggerFactory.getLogger(ForgetService.class);

    private final JdbcClient jdbc;
    private final PipelineService pipelines;
    private final SparkSubmitter submitter;
    private final NightshiftProperties props;
    private final PrivacyProperties privacy;
    private final AuditLog audit;
    private final TransactionTemplate tx;
    private final RunRepository runs;

    public ForgetService(JdbcClient jdbc, PipelineService pipelines, SparkSubmitter submitter, NightshiftProperties props,
                         PrivacyProperties privacy, AuditLog audit, PlatformTransactionManager transactions, RunRepository runs) {
        this.jdbc = jdbc;
        this.runs = runs;
        this.pipelines = pipelines;
        this.submitter = submitter;
        this.props = props;
        this.privacy = privacy;
        this.audit = audit;
        this.tx = new TransactionTemplate(transactions);
    }

    /** What one erasure removed. */
    public record Erasure(long id, String pipeline, int entities, long postgresRows, Map<String, Long> deltaRows, int vacuumRetentionHours) {
    }

    public Erasure forget(String pipeline, List<String> entityIds, String actor) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(entityIds));
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("forget " + pipeline + ": no --entity given");
        }
        if (ids.size() > privacy.maxEntities()) {
            throw new IllegalArgumentException("forget " + pipeline + ": " + ids.size() + " entities in one request; at most "
                    + privacy.maxEntities() + " (nightshift.privacy.max-entities)");
        }
        ForgetArgs.render(ids); // refuses a blank or multi-line id, naming it
        PipelineSpec spec = pipelines.current(pipeline).spec();
        List<String> keys = new ArrayList<>(ids);
        pseudonyms(spec).ifPresent(p -> ids.forEach(id -> keys.add(p.of(id))));
        Long active = jdbc.sql("SELECT count(*) FROM runs WHERE pipeline = ? AND status = 'RUNNING'").param(pipeline).query(Long.class).single();
        if (active > 0) {
            throw new RunRefusedException("forget " + pipeline + ": refused while " + active + " run(s) of the pipeline are RUNNING;"
                    + " try again when they have finished");
        }
        // Killed landings' leftover copies of nights go first, so that one still held by a job refuses the erasure before
        // its Spark job runs; any left since go in the final transaction.
        int leftoversBefore = dropLeftoverStagingTables(pipeline, true);
        int retention = privacy.forgetVacuumRetentionHours();
        long erasureId = jdbc.sql("INSERT INTO erasures (pipeline, actor, entities, vacuum_retention_hours) VALUES (?, ?, ?, ?) RETURNING id")
                .params(pipeline, actor, ids.size(), retention).query(Long.class).single();
        try {
            ForgetArgs args = new ForgetArgs(pipeline, NightshiftHome.warehouseUri(props), erasureId, spec.input().idColumn(), retention);
            submitter.submit(new SparkApplication("forget-" + pipeline, ForgetArgs.JOB_CLASS, args.toArgs(), props.spark().timeout(),
                    pipeline, Map.of(JobEnvironment.FORGET_KEYS, ForgetArgs.render(keys))));
            Erasure done = tx.execute(status -> complete(erasureId, pipeline, ids.size(), keys, retention, actor, leftoversBefore));
            log.info("forget {}: erasure {} removed {} entities ({} PostgreSQL rows, Delta {}), vacuum retention {} h", pipeline,
                    erasureId, done.entities(), done.postgresRows(), done.deltaRows(), retention);
            return done;
        } catch (RuntimeException e) {
            jdbc.sql("UPDATE erasures SET status = 'FAILED', finished_at = now(), error = ? WHERE id = ?")
                    .params(String.valueOf(e.getMessage()), erasureId).update();
            throw e;
        }
    }

    /** The key of a pseudonymizing pipeline (required), or of any pipeline when one is configured (rows from earlier spec versions). */
    private static Optional<Pseudonyms> pseudonyms(PipelineSpec spec) {
        if (spec.privacyOrDefaults().pseudonymizeIds()) {
            return Optional.of(Pseudonyms.fromEnvironment(spec.name()));
        }
        Map<String, String> env = System.getenv();
        boolean configured = env.containsKey(JobEnvironment.PSEUDONYM_KEY) || env.containsKey(JobEnvironment.PSEUDONYM_KEY_FILE);
        return configured ? Optional.of(Pseudonyms.fromEnvironment(spec.name())) : Optional.empty();
    }

    private Erasure complete(long erasureId, String pipeline, int entities, List<String> keys, int retention, String actor,
                             int leftoversBefore) {
        int postgresRows = jdbc.sql("DELETE FROM predictions WHERE pipeline = :pipeline AND entity_id IN (:keys)")
                .param("pipeline", pipeline).param("keys", keys).update();
        int leftovers = leftoversBefore + dropLeftoverStagingTables(pipeline, false);
        String deltaJson = jdbc.sql("SELECT delta_rows::text FROM erasures WHERE id = ?").param(erasureId).query(String.class).single();
        Map<String, Long> deltaRows = deltaRows(deltaJson, erasureId);
        jdbc.sql("UPDATE erasures SET status = 'COMPLETED', finished_at = now(), postgres_rows = ? WHERE id = ?")
                .params(postgresRows, erasureId).update();
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("erasure", erasureId);
        after.put("entities", entities);
        after.put("postgresPredictionRows", postgresRows);
        after.put("leftoverStagingTables", leftovers);
        after.put("deltaRows", deltaRows);
        after.put("vacuumRetentionHours", retention);
        audit.record(actor, "privacy.forget", "pipeline:" + pipeline, null, after);
        return new Erasure(erasureId, pipeline, entities, postgresRows, deltaRows, retention);
    }

    /**
     * A night killed between its landing's COPY and its publication leaves its run's staging tables behind
     * ({@code nightshift_work.predictions_stage_<run>} and {@code ..._copied}): a copy of that night's prediction rows,
     * ids included, which no reader sees. Nights that land drop them too, but the erasure cannot wait for the next one:
     * once no run of the pipeline is RUNNING (forget is refused otherwise, and a run that started since is skipped) they
     * go with the erasure, whole, since they may hold the erased entities' rows. One still locked (an orphaned job still
     * COPYing into it) refuses the erasure ({@code before}: nothing done yet) or fails it (in its final transaction, which
     * rolls back). Returns how many runs' tables were dropped.
     */
    private int dropLeftoverStagingTables(String pipeline, boolean before) {
        RunRepository.LeftoverStages leftovers = runs.dropLeftoverStages(pipeline);
        if (leftovers.busy() > 0) {
            String why = "forget " + pipeline + ": the staging tables of " + leftovers.busy() + " earlier run(s)"
                    + " (nightshift_work.predictions_stage_<run>) are locked by a job still running, and may hold rows of the"
                    + " entities to forget; stop that job (see `nightshift runs list --pipeline " + pipeline + "`) and forget again";
            throw before ? new RunRefusedException(why) : new IllegalStateException(why);
        }
        return leftovers.dropped();
    }

    private static Map<String, Long> deltaRows(String json, long erasureId) {
        if (json == null) {
            throw new IllegalStateException("erasure " + erasureId + ": ForgetJob finished without recording its Delta row counts");
        }
        try {
            Map<String, Long> out = new LinkedHashMap<>();
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).fields()
                    .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
            return out;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("erasure " + erasureId + ": delta_rows is not JSON: " + json, e);
        }
    }
}
