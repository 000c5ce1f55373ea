package dev.nightshift.input;

import dev.nightshift.contract.Columns;
import dev.nightshift.contract.FeatureType;
import dev.nightshift.registry.ModelFeature;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.col;

/**
 * Checks the schema of a pipeline's raw input against the features a model consumes and reduces it to the model's
 * frame (row-level checks are {@code dev.nightshift.validation}'s):
 * {@code entity_id} (string) plus each model feature (numeric as double, categorical as string). Every other
 * input column, PII included, is dropped here.
 */
public final class InputFrames {

    private InputFrames() {
    }

    /** Fails naming the first missing or mistyped column. Categorical features must be strings, numeric ones numbers. */
    public static void checkSchema(StructType schema, String idColumn, List<ModelFeature> features) {
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(idColumn)) {
            throw new InputValidationException("input column '" + idColumn + "' (entity id, expected string or integer) is missing;"
                    + " columns present: " + String.join(", ", names));
        }
        for (ModelFeature f : features) {
            if (!names.contains(f.name())) {
                throw new InputValidationException("input column '" + f.name() + "' is missing (expected "
                        + expected(f.type()) + "); columns present: " + String.join(", ", names));
            }
            DataType actual = field(schema, f.name()).dataType();
            boolean ok = f.type() == FeatureType.NUMERIC ? actual instanceof NumericType : actual instanceof StringType;
            if (!ok) {
                throw new InputValidationException("input column '" + f.name() + "' has type " + actual.simpleString()
                        + ", expected " + expected(f.type()) + " (feature type " + f.type().specName() + ")");
            }
        }
    }

    /** The model frame: {@code entity_id} first, then the features cast to their model types, then {@code extra} columns as-is. */
    public static Dataset<Row> toModelFrame(Dataset<Row> rows, String idColumn, List<ModelFeature> features, String... extra) {
        List<Column> cols = new ArrayList<>();
        cols.add(col(idColumn).cast("string").as(Columns.ENTITY_ID));
        for (ModelFeature f : features) {
            cols.add(col(f.name()).cast(f.type() == FeatureType.NUMERIC ? "double" : "string").as(f.name()));
        }
        for (String e : extra) {
            cols.add(col(e));
        }
        return rows.select(cols.toArray(Column[]::new));
    }

    private static String expected(FeatureType type) {
        return type == FeatureType.NUMERIC ? "numeric" : "string";
    }

    private static StructField field(StructType schema, String name) {
        return schema.apply(name);
    }
}
