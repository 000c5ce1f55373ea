package dev.nightshift.data;

import dev.nightshift.contract.GenerateDataArgs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.dayofyear;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

/**
 * Deterministic synthetic datasets for demos, tests and benchmarks. Every value is a function of
 * (seed, entity, date) through {@code xxhash64}, never of partitioning or row order, so the same arguments give
 * the same rows, and generating a date range piecewise gives the same rows as generating it at once.
 *
 * <p>Drift: from {@code driftFrom} on, numeric features shift by {@code featureShift} of their standard deviation
 * (covariate shift: the label follows the shifted values) and the strongest coefficient of the label relationship
 * is multiplied by {@code 1 - 2 * conceptShift} (0 = unchanged, 1 = reversed).
 *
 * <p>Labels are generated for every (entity, date); they carry no lag. A reader that simulates labels arriving
 * later applies the pipeline spec's {@code groundTruth.lagDays} (the label of date d is known from d + lagDays).
 */
public final class SyntheticData {

    public static final String CHURN = "churn";
    public static final String DEMAND = "demand";

    static final String[] PLANS = {"basic", "standard", "premium"};
    static final String[] REGIONS = {"north", "south", "east", "west"};
    static final String[] CATEGORIES = {"grocery", "beverages", "household", "snacks"};

    private static final double TWO_POW_31 = 2147483648.0;
    private static final int TENURE_DAYS = 72 * 30;

    private SyntheticData() {
    }

    /** Churn rows: customer_id, event_date, features, email and the label churned (0/1). */
    public static Dataset<Row> churn(SparkSession spark, GenerateDataArgs a) {
        Gen g = new Gen(a.seed());
        Column id = col("eid");
        Column date = col("event_date");
        // Three flat projections (draws, features, label) keep the plan small; chained withColumn calls each
        // re-analyse the whole plan and made this take seconds to plan.
        Dataset<Row> draws = entityDates(spark, a, "event_date").select(id, date,
                drifted(a, date).multiply(a.featureShift()).as("shift"),
                drifted(a, date).as("drifted"),
                datediff(date, lit(LocalDate.of(1970, 1, 1))).as("epoch_day"),
                g.uniform("tenure", id).as("u_tenure"),
                floor(g.uniform("plan", id).multiply(PLANS.length)).cast("int").as("plan_idx"),
                floor(g.uniform("region", id).multiply(REGIONS.length)).cast("int").as("region_idx"),
                g.normal("charges", id).as("n_charges"),
                g.normal("charges-day", id, date).as("n_charges_day"),
                g.uniform("calls", id, date).as("u_calls"),
                g.normal("usage", id).as("n_usage"),
                g.normal("usage-day", id, date).as("n_usage_day"),
                g.uniform("churned", id, date).as("u_churned"));

        Column shift = col("shift");
        // Tenure cycles through 1..72 months: a customer who reaches the end is replaced by a new one.
        Column tenure = floor(pmod(floor(col("u_tenure").multiply(TENURE_DAYS)).plus(col("epoch_day")), lit(TENURE_DAYS))
                .divide(30)).plus(1).cast("double");
        Column charges = element_at(array(lit(35.0), lit(60.0), lit(85.0)), col("plan_idx").plus(1))
                .plus(col("n_charges").multiply(10)).plus(col("n_charges_day").multiply(3));
        Column calls = floor(log(col("u_calls")).multiply(-1.4)).cast("double");
        Column usage = greatest(lit(0.0), lit(10.0).plus(col("n_usage").multiply(4)).plus(col("n_usage_day").multiply(2)));
        Dataset<Row> features = draws.select(
                format_string("C%07d", id.plus(1)).as("customer_id"),
                date,
                tenure.plus(shift.multiply(21.0)).as("tenure_months"),
                // Clamped at 0, the example spec's min: a few draws 3.4 standard deviations down would otherwise
                // be negative and quarantined by validation, and clean data would not be clean.
                greatest(lit(0.0), round(charges.plus(shift.multiply(26.0)), 2)).as("monthly_charges"),
                calls.plus(shift.multiply(1.5)).as("support_calls"),
                round(usage.plus(shift.multiply(4.5)), 2).as("data_usage_gb"),
                element_at(strings(PLANS), col("plan_idx").plus(1)).as("plan"),
                element_at(strings(REGIONS), col("region_idx").plus(1)).as("region"),
                concat(lit("c"), format_string("%07d", id.plus(1)), lit("@example.invalid")).as("email"),
                col("drifted"), col("u_churned"));

        Column tenureCoef = lit(-1.1).multiply(lit(1.0).minus(col("drifted").multiply(2 * a.conceptShift())));
        Column logit = lit(-1.5)
                .plus(tenureCoef.multiply(col("tenure_months").minus(36.5).divide(21.0)))
                .plus(col("monthly_charges").minus(60.0).divide(26.0).multiply(0.6))
                .plus(col("support_calls").minus(1.0).divide(1.5).multiply(0.8))
                .plus(col("data_usage_gb").minus(10.0).divide(4.5).multiply(-0.3))
                .plus(when(col("plan").equalTo("basic"), 0.3).when(col("plan").equalTo("premium"), -0.3).otherwise(0.0))
                .plus(when(col("region").equalTo("south"), 0.25).otherwise(0.0));
        Column probability = lit(1.0).divide(lit(1.0).plus(exp(logit.multiply(-1))));
        return features.select(col("customer_id"), col("event_date"), col("tenure_months"), col("monthly_charges"),
                col("support_calls"), col("data_usage_gb"), col("plan"), col("region"), col("email"),
                when(col("u_churned").lt(probability), 1).otherwise(0).as("churned"));
    }

    /** Demand rows: item_id, sale_date, features and the label units_sold (positive). */
    public static Dataset<Row> demand(SparkSession spark, GenerateDataArgs a) {
        Gen g = new Gen(a.seed());
        Column id = col("eid");
        Column date = col("sale_date");
        Dataset<Row> draws = entityDates(spark, a, "sale_date").select(id, date,
                drifted(a, date).multiply(a.featureShift()).as("shift"),
                drifted(a, date).as("drifted"),
                floor(g.uniform("category", id).multiply(CATEGORIES.length)).cast("int").as("category_idx"),
                when(g.uniform("promo", id, date).lt(0.15), 1.0).otherwise(0.0).as("promo"),
                g.uniform("price", id).as("u_price"),
                g.normal("price-day", id, date).as("n_price_day"),
                // Weather is the same for every item on a date: seasonal curve plus noise keyed by the date alone.
                g.normal("temperature", date).as("n_temperature"),
                g.normal("units", id, date).as("n_units"));

        Column shift = col("shift");
        Column price = lit(2.0).plus(col("u_price").multiply(48.0))
                .multiply(lit(1.0).plus(col("n_price_day").multiply(0.05)))
                .multiply(when(col("promo").equalTo(1.0), 0.8).otherwise(1.0));
        Column temperature = lit(15.0).plus(sin(dayofyear(date).multiply(2 * Math.PI / 365.0)).multiply(10.0))
                .plus(col("n_temperature").multiply(3.0));
        Dataset<Row> features = draws.select(
                format_string("I%05d", id.plus(1)).as("item_id"),
                date,
                round(price.plus(shift.multiply(14.0)), 2).as("price"),
                col("promo"),
                round(temperature.plus(shift.multiply(7.0)), 1).as("temperature"),
                lower(date_format(date, "EEE")).as("day_of_week"),
                element_at(strings(CATEGORIES), col("category_idx").plus(1)).as("category"),
                col("drifted"), col("n_units"));

        Column promoCoef = lit(12.0).multiply(lit(1.0).minus(col("drifted").multiply(2 * a.conceptShift())));
        Column units = lit(30.0)
                .plus(when(col("category").equalTo("grocery"), 10.0).when(col("category").equalTo("beverages"), 5.0)
                        .when(col("category").equalTo("household"), -5.0).otherwise(0.0))
                .minus(col("price").multiply(0.5))
                .plus(promoCoef.multiply(col("promo")))
                .plus(col("temperature").multiply(0.5))
                .plus(when(col("day_of_week").isin("sat", "sun"), 6.0).otherwise(0.0))
                .plus(col("n_units").multiply(3.0));
        return features.select(col("item_id"), col("sale_date"), col("price"), col("promo"), col("temperature"),
                col("day_of_week"), col("category"), round(greatest(lit(0.5), units), 2).as("units_sold"));
    }

    /**
     * {@code input} (rows of {@code dataset} as generated, before any column is renamed, labels dropped) with bad rows
     * on date {@code on}: entity 1 has a null feature, entity 2 a value outside the example spec's bounds (a negative
     * monthly_charges; promo 7), entity 3 an unseen category ({@code platinum} plan; {@code toys} category), entity 4 a
     * NaN, and entity 5 a second, identical row. Unchanged when {@code on} is null.
     */
    public static Dataset<Row> withBadRows(Dataset<Row> input, String dataset, LocalDate on) {
        if (on == null) {
            return input;
        }
        boolean churn = dataset.equals(CHURN);
        Column day = col(churn ? "event_date" : "sale_date").equalTo(lit(on));
        Column id = col(churn ? "customer_id" : "item_id");
        java.util.function.IntFunction<Column> entity = n -> day.and(id.equalTo(churn ? String.format("C%07d", n) : String.format("I%05d", n)));
        // column -> (entity number, bad value)
        java.util.Map<String, Object[]> bad = churn
                ? java.util.Map.of("tenure_months", new Object[] {1, null}, "monthly_charges", new Object[] {2, -50.0},
                        "plan", new Object[] {3, "platinum"}, "data_usage_gb", new Object[] {4, Double.NaN})
                : java.util.Map.of("price", new Object[] {1, null}, "promo", new Object[] {2, 7.0},
                        "category", new Object[] {3, "toys"}, "temperature", new Object[] {4, Double.NaN});
        Column[] cols = java.util.Arrays.stream(input.columns())
                .map(c -> !bad.containsKey(c) ? col(c)
                        : when(entity.apply((Integer) bad.get(c)[0]), lit(bad.get(c)[1]).cast(input.schema().apply(c).dataType()))
                                .otherwise(col(c)).as(c))
                .toArray(Column[]::new);
        Dataset<Row> out = input.select(cols);
        return out.unionByName(out.where(entity.apply(5)));
    }

    /** One row per (entity, date) with the entity number {@code eid} (0-based) and the date column. */
    private static Dataset<Row> entityDates(SparkSession spark, GenerateDataArgs a, String dateColumn) {
        if (a.to().isBefore(a.from())) {
            throw new IllegalArgumentException("--to " + a.to() + " is before --from " + a.from());
        }
        if (a.entities() <= 0) {
            throw new IllegalArgumentException("--entities must be positive, got " + a.entities());
        }
        long days = ChronoUnit.DAYS.between(a.from(), a.to()) + 1;
        int partitions = (int) Math.max(1, Math.min(200, a.entities() * days / 200_000));
        return spark.range(0, a.entities() * days, 1, partitions)
                .withColumn("eid", col("id").divide(days).cast("long"))
                .withColumn(dateColumn, date_add(lit(a.from()), pmod(col("id"), lit(days)).cast("int")))
                .drop("id");
    }

    private static Column drifted(GenerateDataArgs a, Column date) {
        return a.driftFrom() == null ? lit(0.0) : when(date.geq(lit(a.driftFrom())), 1.0).otherwise(0.0);
    }

    private static Column strings(String[] values) {
        Column[] cols = new Column[values.length];
        for (int i = 0; i < values.length; i++) {
            cols[i] = lit(values[i]);
        }
        return array(cols);
    }

    /** Random numbers keyed by (seed, purpose, key columns). */
    private record Gen(long seed) {
        /** Uniform in (0, 1), never exactly 0 or 1. */
        Column uniform(String purpose, Column... keys) {
            Column[] all = new Column[keys.length + 2];
            all[0] = lit(seed);
            all[1] = lit(purpose);
            System.arraycopy(keys, 0, all, 2, keys.length);
            return pmod(xxhash64(all), lit((long) TWO_POW_31)).plus(0.5).divide(TWO_POW_31);
        }

        /** Standard normal by Box-Muller. */
        Column normal(String purpose, Column... keys) {
            Column u1 = uniform(purpose + "#1", keys);
            Column u2 = uniform(purpose + "#2", keys);
            return sqrt(log(u1).multiply(-2.0)).multiply(cos(u2.multiply(2 * Math.PI)));
        }
    }
}
