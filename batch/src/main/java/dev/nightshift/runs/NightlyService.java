package dev.nightshift.runs;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.NightArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.pipelines.PipelineService;
import dev.nightshift.contract.TrainArgs;
import dev.nightshift.registry.ModelRegistry;
import dev.nightshift.registry.ModelVersion;
import dev.nightshift.spark.SparkApplication;
import dev.nightshift.spark.SparkSubmitter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/** The work of the nightly steps, as plain methods the tasklets call. */
@Service
public class NightlyService {
    private static final Logger log = LoggerFactory.getLogger(NightlyService.class);

    private final ModelRegistry registry;
    private final SparkSubmitter submitter;
    private final RunRepository runs;
    private final NightshiftProperties props;
    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final PipelineService pipelines;

    public NightlyService(ModelRegistry registry, SparkSubmitter submitter, RunRepository runs, NightshiftProperties props,
                          io.micrometer.core.instrument.MeterRegistry meters, PipelineService pipelines) {
        this.pipelines = pipelines;
        this.registry = registry;
        this.submitter = submitter;
        this.runs = runs;
        this.props = props;
        this.meters = meters;
    }

    /** Returns the champion, training and registering one first if the pipeline has none yet. */
    public ModelVersion ensureChampion(RunContext run) {
        Optional<ModelVersion> champion = registry.champion(run.pipeline());
        if (champion.isPresent()) {
            log.info("{} {}: champion is model v{}", run.pipeline(), run.businessDate(), champion.get().version());
            return champion.get();
        }
        log.info("{} {}: no champion yet, training one on history known by {}", run.pipeline(), run.businessDate(), run.businessDate());
        TrainArgs args = new TrainArgs(run.pipeline(), run.specVersion(), run.businessDate(), warehouse(), run.runId());
        submitter.submit(new SparkApplication(run.appName("train"), TrainArgs.JOB_CLASS, args.toArgs(), props.spark().timeout(), run.pipeline()));
        ModelVersion trained = registry.createdByRun(run.runId()).orElseThrow(() -> new IllegalStateException(
                "TrainJob for run " + run.runId() + " finished but registered no model version"));
        registry.setAlias(run.pipeline(), ModelRegistry.CHAMPION, trained, "nightshift", ModelRegistry.AliasChange.BOOTSTRAP,
                "bootstrap: the pipeline had no champion");
        log.info("{}: model v{} registered and made champion", run.pipeline(), trained.version());
        return trained;
    }

    /**
     * Scores the business date with the current champion (and the challenger, in shadow, if there is one) and, in the
     * same Spark application (NightJob), evaluates
     * the labelled earlier nights when the spec monitors metrics and measures the night's drift when it monitors drift.
     * Returns the number of rows landed.
     */
    public long score(RunContext run) {
        ModelVersion champion = registry.champion(run.pipeline()).orElseThrow(() -> new IllegalStateException(
                "pipeline " + run.pipeline() + " has no champion model to score with"));
        PipelineSpec spec = pipelines.version(run.pipeline(), run.specVersion()).spec();
        boolean evaluate = spec.monitoring() != null && !spec.monitoring().metrics().isEmpty();
        boolean drift = spec.monitoring() != null && spec.monitoring().drift() != null;
        if (!evaluate) {
            log.info("{} {}: no monitoring.metrics in spec v{}, nothing to evaluate", run.pipeline(), run.businessDate(), run.specVersion());
        }
        if (!drift) {
            log.info("{} {}: no monitoring.drift in spec v{}, drift not measured", run.pipeline(), run.businessDate(), run.specVersion());
        }
        // A challenger (a candidate waiting for promotion) is scored beside the champion, in shadow, so that its live
        // metrics accrue; the published predictions stay the champion's.
        Optional<ModelVersion> challenger = registry.challenger(run.pipeline()).filter(c -> c.id() != champion.id());
        challenger.ifPresent(c -> log.info("{} {}: challenger v{} is scored in shadow", run.pipeline(), run.businessDate(), c.version()));
        NightArgs args = new NightArgs(run.pipeline(), run.specVersion(), run.businessDate(), champion.id(), warehouse(), run.runId(),
                evaluate, drift, challenger.map(ModelVersion::id).orElse(null));
        submitter.submit(new SparkApplication(run.appName("night"), NightArgs.JOB_CLASS, args.toArgs(), props.spark().timeout(), run.pipeline()));
        RunRecord record = runs.find(run.runId()).orElseThrow();
        if (record.rowsScored() == null) {
            throw new IllegalStateException("NightJob for run " + run.runId() + " finished but recorded no row count");
        }
        meters.counter("nightshift.rows.scored", "pipeline", run.pipeline()).increment(record.rowsScored());
        Long quarantined = runs.rowsQuarantined(run.runId());
        if (quarantined != null) {
            meters.counter("nightshift.rows.quarantined", "pipeline", run.pipeline()).increment(quarantined);
        }
        log.info("{} {}: {} rows scored with model v{}{}{}", run.pipeline(), run.businessDate(), record.rowsScored(), champion.version(),
                evaluate ? ", labelled nights evaluated" : "", drift ? ", drift measured" : "");
        dropLeftoverStages(run);
        return record.rowsScored();
    }

    /**
     * A landing killed between its COPY and its publication leaves its run's staging tables (a night's rows, ids
     * included), and the retry is a new run with tables of its own: each night that lands drops the pipeline's
     * leftovers, so they last until the next night instead of until somebody drops them by hand.
     */
    private void dropLeftoverStages(RunContext run) {
        RunRepository.LeftoverStages leftovers = runs.dropLeftoverStages(run.pipeline());
        if (leftovers.dropped() > 0) {
            log.info("{} {}: dropped the staging tables that {} earlier run(s) killed before publishing their night left behind",
                    run.pipeline(), run.businessDate(), leftovers.dropped());
        }
        if (leftovers.busy() > 0) {
            log.warn("{} {}: the staging tables of {} earlier run(s) that are not RUNNING are locked by a job still writing"
                    + " (an orphaned landing?); left for the next night", run.pipeline(), run.businessDate(), leftovers.busy());
        }
    }

    /** The model version that scored this run's night: the one the decide step judges. */
    public long scoringModel(RunContext run) {
        Long scoredBy = runs.find(run.runId()).orElseThrow().modelVersionId();
        if (scoredBy == null) {
            throw new IllegalStateException("run " + run.runId() + " has no scoring model version; the score step must run first");
        }
        return scoredBy;
    }

    /**
     * Trains a candidate to replace the judged champion (TrainJob also measures the champion on the candidate's holdout)
     * and attaches it to the run's decision. A restarted step reuses a candidate the run already registered.
     */
    public ModelVersion retrain(RunContext run, long championId) {
        Optional<ModelVersion> earlier = registry.createdByRun(run.runId())
                .filter(m -> m.parentVersionId() != null && m.parentVersionId() == championId);
        ModelVersion candidate;
        if (earlier.isPresent()) {
            candidate = earlier.get();
            log.info("{} {}: candidate v{} was already trained by this run; reusing it", run.pipeline(), run.businessDate(), candidate.version());
        } else {
            log.info("{} {}: retraining on history known by {}", run.pipeline(), run.businessDate(), run.businessDate());
            TrainArgs args = new TrainArgs(run.pipeline(), run.specVersion(), run.businessDate(), warehouse(), run.runId(), championId);
            submitter.submit(new SparkApplication(run.appName("retrain"), TrainArgs.JOB_CLASS, args.toArgs(), props.spark().timeout(), run.pipeline()));
            candidate = registry.createdByRun(run.runId()).filter(m -> m.parentVersionId() != null && m.parentVersionId() == championId)
                    .orElseThrow(() -> new IllegalStateException("TrainJob for run " + run.runId() + " finished but registered no candidate"));
            meters.counter("nightshift.models.retrained", "pipeline", run.pipeline()).increment();
        }
        return candidate;
    }

    public String warehouse() {
        return NightshiftHome.warehouseUri(props);
    }
}
