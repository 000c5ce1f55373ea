package dev.nightshift.training;

import dev.nightshift.contract.Columns;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowAndSplitTest extends SparkTestBase {

    private static final LocalDate AS_OF = LocalDate.of(2026, 10, 20);
    private static final StructType LABELS = new StructType()
            .add(Columns.ENTITY_ID, DataTypes.StringType)
            .add(Columns.BUSINESS_DATE, DataTypes.DateType)
            .add(Columns.LABEL, DataTypes.DoubleType);

    @Test
    void theWindowEndsLagDaysBeforeAsOf() {
        TrainingWindow w = TrainingWindow.of(AS_OF, 10, 3);

        assertThat(w.from()).isEqualTo(LocalDate.of(2026, 10, 10));
        assertThat(w.to()).isEqualTo(LocalDate.of(2026, 10, 17));
    }

    @Test
    void labelsNotYetKnownAtAsOfAreNotSelected() {
        // given labels for every date from 10-08 to 10-20
        List<Row> rows = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2026, 10, 8); !d.isAfter(AS_OF); d = d.plusDays(1)) {
            rows.add(RowFactory.create("C1", d, 1.0));
        }
        Dataset<Row> labels = spark.createDataFrame(rows, LABELS);

        // when
        List<LocalDate> selected = TrainingWindow.of(AS_OF, 10, 3).select(labels).orderBy(Columns.BUSINESS_DATE)
                .select(Columns.BUSINESS_DATE).as(org.apache.spark.sql.Encoders.LOCALDATE()).collectAsList();

        // then: d + lagDays <= asOf and d >= asOf - window
        assertThat(selected).first().isEqualTo(LocalDate.of(2026, 10, 10));
        assertThat(selected).last().isEqualTo(LocalDate.of(2026, 10, 17));
        assertThat(selected).hasSize(8);
    }

    @Test
    void aLagAsLongAsTheWindowLeavesNothingToLearn() {
        assertThatThrownBy(() -> TrainingWindow.of(AS_OF, 7, 7 + 1)).hasMessageContaining("no label is known as of 2026-10-20");
    }

    @Test
    void theHoldoutIsTheLastLabelledDates() {
        List<LocalDate> dates = List.of(LocalDate.of(2026, 10, 5), LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2),
                LocalDate.of(2026, 10, 4), LocalDate.of(2026, 10, 4));

        HoldoutSplit split = HoldoutSplit.of(dates, 2);

        assertThat(split).isEqualTo(new HoldoutSplit(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2),
                LocalDate.of(2026, 10, 4), LocalDate.of(2026, 10, 5)));
    }

    @Test
    void splitRowsByDate() {
        Dataset<Row> rows = spark.createDataFrame(List.of(
                RowFactory.create("a", LocalDate.of(2026, 10, 1), 0.0),
                RowFactory.create("b", LocalDate.of(2026, 10, 2), 1.0),
                RowFactory.create("c", LocalDate.of(2026, 10, 3), 0.0),
                RowFactory.create("d", LocalDate.of(2026, 10, 3), 1.0)), LABELS);
        HoldoutSplit split = HoldoutSplit.of(List.of(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2), LocalDate.of(2026, 10, 3)), 1);

        assertThat(split.train(rows).select(Columns.ENTITY_ID).as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactlyInAnyOrder("a", "b");
        assertThat(split.holdout(rows).select(Columns.ENTITY_ID).as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactlyInAnyOrder("c", "d");
    }

    @Test
    void tooFewDatesFailClearly() {
        assertThatThrownBy(() -> HoldoutSplit.of(List.of(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2)), 2))
                .hasMessageContaining("cannot split 2 labelled date(s) (2026-10-01 .. 2026-10-02)")
                .hasMessageContaining("the training set would be empty");
        assertThatThrownBy(() -> HoldoutSplit.of(List.of(), 2))
                .hasMessageContaining("no labelled rows in the training window");
    }
}
