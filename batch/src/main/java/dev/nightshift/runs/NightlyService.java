package dev.nightshift.runs;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.contract.DriftArgs;
import dev.nightshift.contract.EvaluateArgs;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.ScoreArgs;
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
        submitter.submit(new SparkApplication(run.appName("train"), TrainArgs.JOB_CLASS, args.toArgs(), props.spark().timeout()));
        ModelVersion trained = registry.createdByRun(run.runId()).orElseThrow(() -> new IllegalStateException(
                "TrainJob for run " + run.runId() + " finished but registered no model version"));
        registry.setAlias(run.pipeline(), ModelRegistry.CHAMPION, trained, "nightshift",
                "bootstrap: the pipeline had no champion");
        log.info("{}: model v{} registered and made champion", run.pipeline(), trained.version());
        return trained;
    }

    /** Scores the business date with the current champion; returns the number of rows landed. */
    public long score(RunContext run) {
        ModelVersion champion = registry.champion(run.pipeline()).orElseThrow(() -> new IllegalStateException(
                "pipeline " + run.pipeline() + " has no champion model to score with"));
        ScoreArgs args = new ScoreArgs(run.pipeline(), run.specVersion(), run.businessDate(), champion.id(), warehouse(), run.runId());
        submitter.submit(new SparkApplication(run.appName("score"), ScoreArgs.JOB_CLASS, args.toArgs(), props.spark().timeout()));
        RunRecord record = runs.find(run.runId()).orElseThrow();
        if (record.rowsScored() == null) {
            throw new IllegalStateException("ScoreJob for run " + run.runId() + " finished but recorded no row count");
        }
        meters.counter("nightshift.rows.scored", "pipeline", run.pipeline()).increment(record.rowsScored());
        log.info("{} {}: {} rows scored with model v{}", run.pipeline(), run.businessDate(), record.rowsScored(), champion.version());
        return record.rowsScored();
    }

    /**
     * Evaluates the dates whose labels have arrived by this night (EvaluateJob) when the spec monitors metrics;
     * returns false when it does not.
     */
    public boolean evaluate(RunContext run) {
        PipelineSpec spec = pipelines.version(run.pipeline(), run.specVersion()).spec();
        if (spec.monitoring() == null || spec.monitoring().metrics().isEmpty()) {
            log.info("{} {}: no monitoring.metrics in spec v{}, nothing to evaluate", run.pipeline(), run.businessDate(), run.specVersion());
            return false;
        }
        EvaluateArgs args = new EvaluateArgs(run.pipeline(), run.specVersion(), run.businessDate(), warehouse(), run.runId());
        submitter.submit(new SparkApplication(run.appName("evaluate"), EvaluateArgs.JOB_CLASS, args.toArgs(), props.spark().timeout()));
        return true;
    }

    /** Measures the night's drift against the scoring model's training profile (DriftJob) when the spec asks for it. */
    public boolean monitorDrift(RunContext run) {
        PipelineSpec spec = pipelines.version(run.pipeline(), run.specVersion()).spec();
        if (spec.monitoring() == null || spec.monitoring().drift() == null) {
            log.info("{} {}: no monitoring.drift in spec v{}, drift not measured", run.pipeline(), run.businessDate(), run.specVersion());
            return false;
        }
        Long scoredBy = runs.find(run.runId()).orElseThrow().modelVersionId();
        if (scoredBy == null) {
            throw new IllegalStateException("run " + run.runId() + " has no scoring model version; the score step must run first");
        }
        DriftArgs args = new DriftArgs(run.pipeline(), run.specVersion(), run.businessDate(), scoredBy, warehouse(), run.runId());
        submitter.submit(new SparkApplication(run.appName("drift"), DriftArgs.JOB_CLASS, args.toArgs(), props.spark().timeout()));
        return true;
    }

    public String warehouse() {
        return NightshiftHome.warehouseUri(props);
    }
}
