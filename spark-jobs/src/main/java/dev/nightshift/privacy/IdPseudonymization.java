package dev.nightshift.privacy;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.Pseudonyms;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

import java.util.Map;
import java.util.Optional;

import static org.apache.spark.sql.functions.col;

/**
 * Replaces entity ids by their keyed pseudonyms ({@link Pseudonyms}) in a pipeline whose spec sets
 * {@code privacy.pseudonymizeIds}. Applied to the raw input right after it is read, so that validation, quarantine,
 * scoring and every prediction table only ever see the pseudonym, and to the labels before they are joined to
 * predictions. Training keeps raw ids (it joins input and labels in memory and writes no id anywhere).
 */
public final class IdPseudonymization {

    /** Where the key variables are read from: the process environment, or what an in-process test puts here. */
    private static volatile Map<String, String> environment;

    private IdPseudonymization() {
    }

    /**
     * For in-process tests, which cannot change their JVM's environment: read the key variables from {@code env}
     * instead (null: the process environment again).
     */
    public static void useEnvironment(Map<String, String> env) {
        environment = env == null ? null : Map.copyOf(env);
    }

    /** The pseudonyms of the spec's pipeline, or empty when it does not ask for them; fails when it does and no key is set. */
    public static Optional<Pseudonyms> of(PipelineSpec spec) {
        if (!spec.privacyOrDefaults().pseudonymizeIds()) {
            return Optional.empty();
        }
        Map<String, String> env = environment;
        return Optional.of(Pseudonyms.fromEnvironment(env == null ? System.getenv() : env, spec.name()));
    }

    /** {@code rows} with {@code column} (any type; compared as its string form) replaced by its pseudonym, when the spec asks. */
    public static Dataset<Row> apply(PipelineSpec spec, Dataset<Row> rows, String column) {
        Optional<Pseudonyms> pseudonyms = of(spec);
        return pseudonyms.isEmpty() ? rows : apply(pseudonyms.get(), rows, column);
    }

    public static Dataset<Row> apply(Pseudonyms pseudonyms, Dataset<Row> rows, String column) {
        return rows.withColumn(column, udf(pseudonyms).apply(col(column).cast("string")));
    }

    /** The pseudonymizing function; the key travels inside the serialized task, never in Spark's conf. */
    public static UserDefinedFunction udf(Pseudonyms pseudonyms) {
        UDF1<String, String> f = pseudonyms::of;
        return org.apache.spark.sql.functions.udf(f, DataTypes.StringType).withName("nightshift_pseudonym");
    }
}
