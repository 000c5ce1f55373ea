package dev.nightshift.scoring.compiled;

import dev.nightshift.contract.Task;
import dev.nightshift.scoring.Predictions;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scores rows with a fitted pipeline: as plain Spark SQL ({@link PipelineCompiler}) when every stage translates,
 * else with MLlib's {@code transform} for the whole model, logging the stage that could not be compiled once per
 * model and stage in this JVM.
 */
public final class Scoring {

    private static final Logger log = LoggerFactory.getLogger(Scoring.class);
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private Scoring() {
    }

    /** The prediction rows of {@link Predictions#from} for {@code input} (with {@code entity_id} and the model's features). */
    public static Dataset<Row> predictions(PipelineModel model, Dataset<Row> input, Task task, double threshold, Predictions.Stamp stamp) {
        Translation translation = PipelineCompiler.compile(model, input.schema(), task);
        if (translation instanceof Translation.Compiled compiled) {
            log.debug("pipeline model {} scored as compiled Spark SQL", model.uid());
            return Predictions.fromValue(compiled.pipeline().apply(input), CompiledPipeline.VALUE, task, threshold, stamp);
        }
        Translation.Fallback fallback = (Translation.Fallback) translation;
        if (REPORTED.add(model.uid() + "/" + fallback.stageIndex())) {
            log.warn("pipeline model {}: {}; scoring the whole model with MLlib transform", model.uid(), fallback.message());
        }
        return Predictions.from(model.transform(input), task, threshold, stamp);
    }
}
