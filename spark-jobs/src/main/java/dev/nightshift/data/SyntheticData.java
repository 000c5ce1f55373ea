package dev.nightshift.data;

import dev.nightshift.contract.GenerateDataArgs;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

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
        Column drifted = drifted(a, date);
        Column shift = drifted.multiply(a.featureShift());

        Column epochDay = datediff(date, lit(LocalDate.of(1970, 1, 1)));
        // Tenure cycles through 1..72 months: a customer who reaches the end is replaced by a new one.
        Column tenure = floor(pmod(floor(g.uniform("tenure", id).multiply(TENURE_DAYS)).plus(epochDay), lit(TENURE_DAYS))
                .divide(30)).plus(1).cast("double");
        Column planIdx = floor(g.uniform("plan", id).multiply(3)).cast("int");
        Column charges = element_at(org.apache.spark.sql.functions.array(lit(35.0), lit(60.0), lit(85.0)), planIdx.plus(1))
                .plus(g.normal("charges", id).multiply(10)).plus(g.normal("charges-day", id, date).multiply(3));
        Column calls = floor(log(g.uniform("calls", id, date)).multiply(-1.4)).cast("double");
        Column usage = greatest(lit(0.0), lit(10.0).plus(g.normal("usage", id).multiply(4)).plus(g.normal("usage-day", id, date).multiply(2)));

        Dataset<Row> base = entityDates(spark, a, "event_date")
                .withColumn("customer_id", format_string("C%07d", id.plus(1)))
                .withColumn("tenure_months", tenure.plus(shift.multiply(21.0)))
                .withColumn("monthly_charges", round(charges.plus(shift.multiply(26.0)), 2))
                .withColumn("support_calls", calls.plus(shift.multiply(1.5)))
                .withColumn("data_usage_gb", round(usage.plus(shift.multiply(4.5)), 2))
                .withColumn("plan", element_at(strings(PLANS), planIdx.plus(1)))
                .withColumn("region", element_at(strings(REGIONS), floor(g.uniform("region", id).multiply(4)).cast("int").plus(1)))
                .withColumn("email", concat(lit("c"), format_string("%07d", id.plus(1)), lit("@example.invalid")));

        Column tenureCoef = lit(-1.1).multiply(lit(1.0).minus(drifted.multiply(2 * a.conceptShift())));
        Column logit = lit(-1.5)
                .plus(tenureCoef.multiply(col("tenure_months").minus(36.5).divide(21.0)))
                .plus(col("monthly_charges").minus(60.0).divide(26.0).multiply(0.6))
                .plus(col("support_calls").minus(1.0).divide(1.5).multiply(0.8))
                .plus(col("data_usage_gb").minus(10.0).divide(4.5).multiply(-0.3))
                .plus(when(col("plan").equalTo("basic"), 0.3).when(col("plan").equalTo("premium"), -0.3).otherwise(0.0))
                .plus(when(col("region").equalTo("south"), 0.25).otherwise(0.0));
        Column probability = lit(1.0).divide(lit(1.0).plus(exp(logit.multiply(-1))));
        return base
                .withColumn("churned", when(g.uniform("churned", id, date).lt(probability), 1).otherwise(0))
                .select("customer_id", "event_date", "tenure_months", "monthly_charges", "support_calls",
                        "data_usage_gb", "plan", "region", "email", "churned");
    }

    /** Demand rows: item_id, sale_date, features and the label units_sold (positive). */
    public static Dataset<Row> demand(SparkSession spark, GenerateDataArgs a) {
        Gen g = new Gen(a.seed());
        Column id = col("eid");
        Column date = col("sale_date");
        Column drifted = drifted(a, date);
        Column shift = drifted.multiply(a.featureShift());

        Column categoryIdx = floor(g.uniform("category", id).multiply(CATEGORIES.length)).cast("int");
        Column promo = when(g.uniform("promo", id, date).lt(0.15), 1.0).otherwise(0.0);
        Column basePrice = lit(2.0).plus(g.uniform("price", id).multiply(48.0));
        Column price = basePrice.multiply(lit(1.0).plus(g.normal("price-day", id, date).multiply(0.05)))
                .multiply(when(promo.equalTo(1.0), 0.8).otherwise(1.0));
        // Weather is the same for every item on a date: seasonal curve plus noise keyed by the date alone.
        Column temperature = lit(15.0).plus(sin(dayofyear(date).multiply(2 * Math.PI / 365.0)).multiply(10.0))
                .plus(g.normal("temperature", date).multiply(3.0));

        Dataset<Row> base = entityDates(spark, a, "sale_date")
                .withColumn("item_id", format_string("I%05d", id.plus(1)))
                .withColumn("promo", promo)
                .withColumn("price", round(price.plus(shift.multiply(14.0)), 2))
                .withColumn("temperature", round(temperature.plus(shift.multiply(7.0)), 1))
                .withColumn("day_of_week", lower(date_format(date, "EEE")))
                .withColumn("category", element_at(strings(CATEGORIES), categoryIdx.plus(1)));

        Column promoCoef = lit(12.0).multiply(lit(1.0).minus(drifted.multiply(2 * a.conceptShift())));
        Column units = lit(30.0)
                .plus(when(col("category").equalTo("grocery"), 10.0).when(col("category").equalTo("beverages"), 5.0)
                        .when(col("category").equalTo("household"), -5.0).otherwise(0.0))
                .minus(col("price").multiply(0.5))
                .plus(promoCoef.multiply(col("promo")))
                .plus(col("temperature").multiply(0.5))
                .plus(when(col("day_of_week").isin("sat", "sun"), 6.0).otherwise(0.0))
                .plus(g.normal("units", id, date).multiply(3.0));
        return base
                .withColumn("units_sold", round(greatest(lit(0.5), units), 2))
                .select("item_id", "sale_date", "price", "promo", "temperature", "day_of_week", "category", "units_sold");
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
        return org.apache.spark.sql.functions.array(cols);
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
