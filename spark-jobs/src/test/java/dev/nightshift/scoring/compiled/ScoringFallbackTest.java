package dev.nightshift.scoring.compiled;

import dev.nightshift.contract.Algorithm;
import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.contract.Task;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.scoring.Predictions;
import dev.nightshift.testing.SparkTestBase;
import dev.nightshift.training.ModelPipelines;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class ScoringFallbackTest extends SparkTestBase {

    private static final Predictions.Stamp STAMP = new Predictions.Stamp("fallback", LocalDate.of(2026, 1, 1), 1L, 1L,
            Instant.parse("2026-01-02T00:00:00Z"));
    private static final List<ModelFeature> FEATURES = List.of(new ModelFeature("x", FeatureType.NUMERIC),
            new ModelFeature("plan", FeatureType.CATEGORICAL));

    private static Dataset<Row> rows() {
        StructType schema = new StructType().add(Columns.ENTITY_ID, DataTypes.StringType).add("x", DataTypes.DoubleType)
                .add("plan", DataTypes.StringType).add(Columns.LABEL, DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(RowFactory.create("E" + i, i % 7 == 0 ? null : (double) (i % 10), i % 3 == 0 ? "basic" : "pro", i % 10 > 4 ? 1.0 : 0.0));
        }
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void aStageWithoutTranslationSendsTheWholeModelToMLlibAndSaysSoOnce() throws Exception {
        // given a logistic regression over L2-normalised features: Normalizer has no translation
        Pipeline standard = ModelPipelines.build(FEATURES, Algorithm.LOGISTIC_REGRESSION, Map.of(), 7);
        List<PipelineStage> stages = new ArrayList<>(List.of(standard.getStages()));
        PipelineStage lr = stages.remove(stages.size() - 1);
        stages.add(new Normalizer().setInputCol(ModelPipelines.FEATURES).setOutputCol("normalised"));
        stages.add(lr.copy(new ParamMap().put(lr.getParam("featuresCol"), "normalised")));
        PipelineModel model = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(rows());
        Dataset<Row> input = rows().drop(Columns.LABEL);

        // when
        Translation translation = PipelineCompiler.compile(model, input.schema(), Task.BINARY_CLASSIFICATION);
        List<LogEvent> warnings = new CopyOnWriteArrayList<>();
        List<Row> scored;
        List<Row> again;
        try (var ignored = capture(warnings)) {
            scored = Scoring.predictions(model, input, Task.BINARY_CLASSIFICATION, 0.5, STAMP).orderBy(Columns.ENTITY_ID).collectAsList();
            again = Scoring.predictions(model, input, Task.BINARY_CLASSIFICATION, 0.5, STAMP).orderBy(Columns.ENTITY_ID).collectAsList();
        }

        // then
        assertThat(translation).isInstanceOf(Translation.Fallback.class);
        Translation.Fallback fallback = (Translation.Fallback) translation;
        assertThat(fallback.stageIndex()).isEqualTo(4);
        assertThat(fallback.message()).startsWith("stage 4 (Normalizer ").contains("no translation for org.apache.spark.ml.feature.Normalizer");
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getMessage().getFormattedMessage()).contains(model.uid()).contains("Normalizer")
                .contains("scoring the whole model with MLlib transform");
        List<Row> mllib = Predictions.from(model.transform(input), Task.BINARY_CLASSIFICATION, 0.5, STAMP)
                .orderBy(Columns.ENTITY_ID).collectAsList();
        assertThat(scored).isEqualTo(mllib).isEqualTo(again);
    }

    @Test
    void aModelOfTheOtherTaskIsNotCompiled() {
        PipelineModel model = ModelPipelines.build(FEATURES, Algorithm.LINEAR_REGRESSION, Map.of(), 7).fit(rows());

        Translation translation = PipelineCompiler.compile(model, rows().schema(), Task.BINARY_CLASSIFICATION);

        assertThat(translation).isInstanceOf(Translation.Fallback.class);
        assertThat(((Translation.Fallback) translation).reason())
                .isEqualTo("LinearRegressionModel serves regression, the task is binary-classification");
    }

    /** Collects {@link Scoring}'s warnings until closed. */
    private static AutoCloseable capture(List<LogEvent> into) {
        Logger logger = (Logger) LogManager.getLogger(Scoring.class);
        AbstractAppender appender = new AbstractAppender("capture-scoring", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                    into.add(event.toImmutable());
                }
            }
        };
        appender.start();
        logger.addAppender(appender);
        return () -> {
            logger.removeAppender(appender);
            appender.stop();
        };
    }
}
