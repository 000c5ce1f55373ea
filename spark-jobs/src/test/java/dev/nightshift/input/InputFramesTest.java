package dev.nightshift.input;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.registry.ModelFeature;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputFramesTest extends SparkTestBase {

    private static final List<ModelFeature> FEATURES = List.of(
            new ModelFeature("tenure_months", FeatureType.NUMERIC), new ModelFeature("plan", FeatureType.CATEGORICAL));
    private static final StructType SCHEMA = new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("tenure_months", DataTypes.IntegerType)
            .add("plan", DataTypes.StringType)
            .add("email", DataTypes.StringType);

    private Dataset<Row> rows(Object[]... values) {
        return spark.createDataFrame(java.util.Arrays.stream(values).map(RowFactory::create).toList(), SCHEMA);
    }

    @Test
    void aMissingColumnIsNamedWithItsExpectedType() {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType).add("plan", DataTypes.StringType);

        assertThatThrownBy(() -> InputFrames.checkSchema(schema, "customer_id", FEATURES))
                .isInstanceOf(InputValidationException.class)
                .hasMessage("input column 'tenure_months' is missing (expected numeric); columns present: customer_id, plan");
    }

    @Test
    void aMissingIdColumnIsNamed() {
        assertThatThrownBy(() -> InputFrames.checkSchema(SCHEMA, "id", FEATURES))
                .hasMessageStartingWith("input column 'id' (entity id, expected string or integer) is missing");
    }

    @Test
    void aWronglyTypedColumnNamesBothTypes() {
        StructType schema = new StructType().add("customer_id", DataTypes.StringType)
                .add("tenure_months", DataTypes.StringType).add("plan", DataTypes.StringType);
        assertThatThrownBy(() -> InputFrames.checkSchema(schema, "customer_id", FEATURES))
                .hasMessage("input column 'tenure_months' has type string, expected numeric (feature type numeric)");

        StructType numericPlan = new StructType().add("customer_id", DataTypes.StringType)
                .add("tenure_months", DataTypes.DoubleType).add("plan", DataTypes.IntegerType);
        assertThatThrownBy(() -> InputFrames.checkSchema(numericPlan, "customer_id", FEATURES))
                .hasMessage("input column 'plan' has type int, expected string (feature type categorical)");
    }

    @Test
    void theModelFrameHoldsOnlyTheIdAndModelFeaturesCast() {
        Dataset<Row> frame = InputFrames.toModelFrame(rows(new Object[] {"C1", 7, "basic", "c1@example.invalid"}),
                "customer_id", FEATURES);

        assertThat(frame.columns()).containsExactly(Columns.ENTITY_ID, "tenure_months", "plan");
        assertThat(frame.schema().apply("tenure_months").dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(frame.first().getDouble(1)).isEqualTo(7.0);
    }
}
