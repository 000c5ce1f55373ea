package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.input.InputFrames;
import dev.nightshift.input.PipelineInput;
import dev.nightshift.registry.ModelFeature;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.LocalDate;
import java.util.List;

/**
 * A pipeline's labelled history known as of a date ({@link TrainingWindow}: only labels known by then), as the model
 * frame of {@code features} plus the label, split by time into training and holdout dates. Cached until closed.
 */
public final class LabelledWindow implements AutoCloseable {
    private final Dataset<Row> labelled;
    private final HoldoutSplit split;
    private final long trainRows;
    private final long holdoutRows;

    private LabelledWindow(Dataset<Row> labelled, HoldoutSplit split, long trainRows, long holdoutRows) {
        this.labelled = labelled;
        this.split = split;
        this.trainRows = trainRows;
        this.holdoutRows = holdoutRows;
    }

    public static LabelledWindow load(SparkSession spark, PipelineSpec spec, List<ModelFeature> features, String warehouse,
                                      LocalDate asOf) throws java.io.IOException {
        TrainingWindow window = TrainingWindow.of(asOf, spec);
        Dataset<Row> rawInput = PipelineInput.forDates(spark, spec, warehouse, window.from(), window.to());
        InputFrames.checkSchema(rawInput.schema(), spec.input().idColumn(), features);
        dev.nightshift.spark.CodeGeneration.interpretIfSmall(spark, rawInput, spec.name() + " as of " + asOf);
        Dataset<Row> inputs = InputFrames.toModelFrame(rawInput, spec.input().idColumn(), features, Columns.BUSINESS_DATE);
        Dataset<Row> labels = PipelineInput.labels(spark, spec, warehouse, window.from(), window.to());
        Dataset<Row> labelled = TrainingData.labelled(inputs, labels, window).cache();
        try {
            List<TrainingData.DateCount> counts = TrainingData.countByDate(labelled, spec.task());
            TrainingData.checkLabels(labelled, counts);
            HoldoutSplit split = HoldoutSplit.of(counts.stream().map(TrainingData.DateCount::date).toList(), spec.model().holdoutDays());
            return new LabelledWindow(labelled, split, TrainingData.rows(counts, split.trainFrom(), split.trainTo()),
                    TrainingData.rows(counts, split.holdoutFrom(), split.holdoutTo()));
        } catch (RuntimeException e) {
            labelled.unpersist();
            throw e;
        }
    }

    public Dataset<Row> labelled() {
        return labelled;
    }

    public Dataset<Row> train() {
        return split.train(labelled);
    }

    public Dataset<Row> holdout() {
        return split.holdout(labelled);
    }

    public HoldoutSplit split() {
        return split;
    }

    public long trainRows() {
        return trainRows;
    }

    public long holdoutRows() {
        return holdoutRows;
    }

    @Override
    public void close() {
        labelled.unpersist();
    }
}
