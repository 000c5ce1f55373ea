package dev.nightshift.scoring.compiled;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.Task;
import dev.nightshift.scoring.Predictions;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pipelines built elsewhere (imported models) often keep MLlib's defaults, {@code handleInvalid = "error"}, and feed
 * raw numeric columns to the assembler: compiled scoring must fail where MLlib fails and pass NaN on where it does.
 */
class InvalidValueModesTest extends SparkTestBase {

    private static final Predictions.Stamp STAMP = new Predictions.Stamp("modes", LocalDate.of(2026, 1, 1), 1L, 1L,
            Instant.parse("2026-01-02T00:00:00Z"));
    private static final StructType SCHEMA = new StructType().add(Columns.ENTITY_ID, DataTypes.StringType)
            .add("x", DataTypes.DoubleType).add("plan", DataTypes.StringType).add(Columns.LABEL, DataTypes.DoubleType);

    private static Dataset<Row> training() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rows.add(RowFactory.create("T" + i, (double) (i % 11), i % 3 == 0 ? "basic" : i % 3 == 1 ? "pro" : "team", i % 11 > 5 ? 1.0 : 0.0));
        }
        return spark.createDataFrame(rows, SCHEMA);
    }

    private static PipelineModel fit(String indexerMode, String assemblerMode) {
        return new Pipeline().setStages(new PipelineStage[]{
                new StringIndexer().setInputCol("plan").setOutputCol("plan_idx").setHandleInvalid(indexerMode),
                new OneHotEncoder().setInputCol("plan_idx").setOutputCol("plan_vec"),
                new VectorAssembler().setInputCols(new String[]{"x", "plan_vec"}).setOutputCol("features").setHandleInvalid(assemblerMode),
                new LogisticRegression().setLabelCol(Columns.LABEL)}).fit(training());
    }

    private static Dataset<Row> scoring(Object x, String plan) {
        return spark.createDataFrame(List.of(RowFactory.create("S1", 3.0, "pro", 0.0), RowFactory.create("S2", x, plan, 0.0)), SCHEMA)
                .drop(Columns.LABEL);
    }

    private static Dataset<Row> compiled(PipelineModel model, Dataset<Row> input) {
        Translation t = PipelineCompiler.compile(model, input.schema(), Task.BINARY_CLASSIFICATION);
        assertThat(t).isInstanceOf(Translation.Compiled.class);
        return Predictions.fromValue(((Translation.Compiled) t).pipeline().apply(input), CompiledPipeline.VALUE,
                Task.BINARY_CLASSIFICATION, 0.5, STAMP).orderBy(Columns.ENTITY_ID);
    }

    private static Dataset<Row> mllib(PipelineModel model, Dataset<Row> input) {
        return Predictions.from(model.transform(input), Task.BINARY_CLASSIFICATION, 0.5, STAMP).orderBy(Columns.ENTITY_ID);
    }

    @Test
    void rawNumericInputsKeepNaNAndNullAsNaNLikeMLlib() {
        PipelineModel model = fit("error", "keep");
        for (Dataset<Row> input : List.of(scoring(Double.NaN, "team"), scoring(null, "basic"))) {
            List<Row> expected = mllib(model, input).collectAsList();
            List<Row> actual = compiled(model, input).collectAsList();
            assertThat(Double.isNaN(expected.get(1).getDouble(4))).isTrue();
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void errorModesFailOnTheRowsMLlibFailsOn() {
        PipelineModel model = fit("error", "error");

        assertThat(compiled(model, scoring(2.0, "team")).collectAsList()).isEqualTo(mllib(model, scoring(2.0, "team")).collectAsList());
        for (Dataset<Row> bad : List.of(scoring(2.0, "enterprise"), scoring(2.0, null), scoring(Double.NaN, "pro"), scoring(null, "pro"))) {
            assertThatThrownBy(() -> mllib(model, bad).collectAsList()).as("MLlib on %s", bad.collectAsList()).isInstanceOf(Exception.class);
            assertThatThrownBy(() -> compiled(model, bad).collectAsList()).as("compiled on %s", bad.collectAsList())
                    .hasMessageContaining("handleInvalid = error");
        }
    }
}
