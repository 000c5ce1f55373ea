package dev.nightshift.data;

import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.testing.SparkTestBase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.corr;
import static org.apache.spark.sql.functions.min;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SyntheticDataTest extends SparkTestBase {

    private static final LocalDate FROM = LocalDate.of(2026, 10, 1);

    private static GenerateDataArgs args(String dataset, LocalDate from, LocalDate to, long entities, long seed,
                                         LocalDate driftFrom, double featureShift, double conceptShift) {
        return new GenerateDataArgs(dataset, "unused", from, to, entities, seed, driftFrom, featureShift, conceptShift, 7);
    }

    /** Row count and the sum of every row's hash: equal for equal multisets of rows, without a shuffle. */
    private static Row fingerprint(Dataset<Row> rows) {
        return rows.agg(org.apache.spark.sql.functions.count(org.apache.spark.sql.functions.lit(1)),
                org.apache.spark.sql.functions.sum(org.apache.spark.sql.functions.hash(
                        java.util.Arrays.stream(rows.columns()).map(org.apache.spark.sql.functions::col)
                                .toArray(org.apache.spark.sql.Column[]::new)))).first();
    }

    @Test
    void sameArgumentsGiveTheSameRowsAndARangeEqualsItsPieces() {
        GenerateDataArgs whole = args("churn", FROM, FROM.plusDays(3), 200, 7, null, 0, 0);
        Dataset<Row> once = SyntheticData.churn(spark, whole);

        assertThat(fingerprint(SyntheticData.churn(spark, whole))).isEqualTo(fingerprint(once));
        Dataset<Row> pieces = SyntheticData.churn(spark, args("churn", FROM, FROM.plusDays(1), 200, 7, null, 0, 0))
                .union(SyntheticData.churn(spark, args("churn", FROM.plusDays(2), FROM.plusDays(3), 200, 7, null, 0, 0)));
        assertThat(fingerprint(pieces)).isEqualTo(fingerprint(once));
        assertThat(fingerprint(SyntheticData.churn(spark, args("churn", FROM, FROM.plusDays(3), 200, 8, null, 0, 0))))
                .isNotEqualTo(fingerprint(once));
    }

    @Test
    void churnRowsLookLikeTheSpec() {
        Dataset<Row> rows = SyntheticData.churn(spark, args("churn", FROM, FROM.plusDays(4), 2000, 7, null, 0, 0));

        Row first = rows.where(col("customer_id").equalTo("C0000001")).orderBy("event_date").first();
        assertThat(first.<String>getAs("email")).isEqualTo("c0000001@example.invalid");
        assertThat(first.<LocalDate>getAs("event_date")).isEqualTo(FROM);
        assertThat(rows.select("plan").distinct().count()).isEqualTo(3);
        assertThat(rows.select("region").distinct().count()).isEqualTo(4);
        double churnRate = rows.agg(avg("churned")).first().getDouble(0);
        assertThat(churnRate).isBetween(0.18, 0.32);
        assertThat(rows.count()).isEqualTo(10_000);
    }

    @Test
    void featureDriftShiftsNumericFeaturesFromTheDriftDate() {
        LocalDate drift = FROM.plusDays(2);
        Dataset<Row> rows = SyntheticData.churn(spark, args("churn", FROM, FROM.plusDays(3), 2000, 7, drift, 1.0, 0));

        double before = rows.where(col("event_date").lt(drift)).agg(avg("monthly_charges")).first().getDouble(0);
        double after = rows.where(col("event_date").geq(drift)).agg(avg("monthly_charges")).first().getDouble(0);
        assertThat(after - before).isCloseTo(26.0, within(3.0));
    }

    @Test
    void conceptDriftReversesTheTenureRelationship() {
        LocalDate drift = FROM.plusDays(2);
        Dataset<Row> rows = SyntheticData.churn(spark, args("churn", FROM, FROM.plusDays(3), 3000, 7, drift, 0, 1.0));

        double before = rows.where(col("event_date").lt(drift)).agg(corr("tenure_months", "churned")).first().getDouble(0);
        double after = rows.where(col("event_date").geq(drift)).agg(corr("tenure_months", "churned")).first().getDouble(0);
        assertThat(before).isLessThan(-0.1);
        assertThat(after).isGreaterThan(0.1);
    }

    @Test
    void demandUnitsArePositiveAndRiseWithPromotions() {
        Dataset<Row> rows = SyntheticData.demand(spark, args("demand", FROM, FROM.plusDays(6), 300, 7, null, 0, 0));

        assertThat(rows.agg(min("units_sold")).first().getDouble(0)).isPositive();
        double promo = rows.where(col("promo").equalTo(1.0)).agg(avg("units_sold")).first().getDouble(0);
        double plain = rows.where(col("promo").equalTo(0.0)).agg(avg("units_sold")).first().getDouble(0);
        assertThat(promo - plain).isGreaterThan(5.0);
        assertThat(rows.select("day_of_week").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
                .containsExactlyInAnyOrder("mon", "tue", "wed", "thu", "fri", "sat", "sun");
        assertThat(rows.where(col("item_id").equalTo("I00001")).count()).isEqualTo(7);
    }

    @Test
    void theJobWritesTheLayoutsOfTheExampleSpecs(@TempDir Path dir) {
        String out = dir.toUri().toString();
        GenerateDataJob.run(spark, new GenerateDataArgs("demand", out, FROM, FROM.plusDays(1), 20, 7, null, 0, 0, 1));
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", out, FROM, FROM.plusDays(1), 20, 7, null, 0, 0, 7));

        assertThat(dir.resolve("input/demand/date=2026-10-01")).isDirectory();
        Dataset<Row> oneDay = spark.read().parquet(dir.resolve("input/demand/date=2026-10-02").toString());
        assertThat(oneDay.columns()).containsExactlyInAnyOrder("item_id", "price", "promo", "temperature", "day_of_week", "category");
        assertThat(oneDay.count()).isEqualTo(20);
        assertThat(spark.read().parquet(dir.resolve("labels/demand").toString()).columns())
                .containsExactlyInAnyOrder("item_id", "sale_date", "units_sold");
        Dataset<Row> churn = spark.read().parquet(dir.resolve("input/churn").toString());
        assertThat(churn.schema().apply("event_date").dataType()).isEqualTo(org.apache.spark.sql.types.DataTypes.DateType);
        assertThat(churn.columns()).contains("customer_id", "email").doesNotContain("churned");
        assertThat(spark.read().parquet(dir.resolve("labels/churn").toString()).columns())
                .containsExactlyInAnyOrder("customer_id", "event_date", "churned");

        // a rerun of one date replaces that date and keeps the other
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", out, FROM, FROM, 10, 7, null, 0, 0, 7));
        Dataset<Row> rerun = spark.read().parquet(dir.resolve("input/churn").toString());
        assertThat(rerun.where(col("event_date").equalTo(FROM)).count()).isEqualTo(10);
        assertThat(rerun.where(col("event_date").equalTo(FROM.plusDays(1))).count()).isEqualTo(20);
        assertThat(Files.exists(dir.resolve("labels/churn/event_date=2026-10-02"))).isTrue();
    }

    @Test
    void badRowsAreInjectedIntoTheInputOfOneDateOnly(@TempDir Path dir) {
        // when
        String out = dir.toUri().toString();
        GenerateDataJob.run(spark, new GenerateDataArgs("churn", out, FROM, FROM.plusDays(1), 20, 7, null, 0, 0, 7, FROM.plusDays(1)));
        GenerateDataJob.run(spark, new GenerateDataArgs("demand", out, FROM, FROM.plusDays(1), 20, 7, null, 0, 0, 1, FROM.plusDays(1)));

        // then the bad date has one extra row (C0000005 twice) and one bad value per entity 1..4; labels stay one per id
        Dataset<Row> churn = spark.read().parquet(dir.resolve("input/churn").toString());
        assertThat(churn.where(col("event_date").equalTo(FROM)).count()).isEqualTo(20);
        Dataset<Row> bad = churn.where(col("event_date").equalTo(FROM.plusDays(1)));
        assertThat(bad.count()).isEqualTo(21);
        assertThat(bad.where(col("customer_id").equalTo("C0000005")).count()).isEqualTo(2);
        assertThat(bad.where(col("tenure_months").isNull()).select("customer_id").first().getString(0)).isEqualTo("C0000001");
        assertThat(bad.where(col("monthly_charges").lt(0)).select("customer_id").first().getString(0)).isEqualTo("C0000002");
        assertThat(bad.where(col("plan").equalTo("platinum")).count()).isEqualTo(1);
        assertThat(bad.where(org.apache.spark.sql.functions.isnan(col("data_usage_gb"))).select("customer_id").first().getString(0))
                .isEqualTo("C0000004");
        assertThat(spark.read().parquet(dir.resolve("labels/churn").toString()).count()).isEqualTo(40);
        Dataset<Row> demand = spark.read().parquet(dir.resolve("input/demand/date=2026-10-02").toString());
        assertThat(demand.count()).isEqualTo(21);
        assertThat(demand.where(col("promo").gt(1)).count()).isEqualTo(1);
        assertThat(demand.where(col("category").equalTo("toys")).count()).isEqualTo(1);
        assertThat(demand.where(col("price").isNull()).count()).isEqualTo(1);
    }
}
