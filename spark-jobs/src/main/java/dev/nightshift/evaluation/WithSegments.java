package dev.nightshift.evaluation;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a one-pass evaluation ({@link ClassificationBootstrap#metricsAndIntervals}, {@link
 * RegressionBootstrap#metricsAndIntervals}): one per group, and one per group, segment column and value, with
 * {@link Segments#SEGMENT} and {@link Segments#SEGMENT_VALUE} after the group keys (empty without segment columns).
 */
record WithSegments(Dataset<Row> groups, Dataset<Row> segments) {

    /**
     * Local DataFrames of {@code groupRows} (the group keys, the {@code estimates}, then {@link Bootstrap#low} and
     * {@link Bootstrap#high} of each {@code bootstrapped} metric, all doubles) and {@code segmentRows} (the same with the
     * segment column and its value after the group keys).
     */
    static WithSegments of(SparkSession spark, List<StructField> keyFields, List<String> estimates, List<String> bootstrapped,
                           List<Row> groupRows, List<Row> segmentRows) {
        List<StructField> fields = new ArrayList<>(keyFields);
        List<StructField> segmentFields = new ArrayList<>(keyFields);
        segmentFields.add(DataTypes.createStructField(Segments.SEGMENT, DataTypes.StringType, false));
        segmentFields.add(DataTypes.createStructField(Segments.SEGMENT_VALUE, DataTypes.StringType, false));
        for (String m : estimates) {
            fields.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
            segmentFields.add(DataTypes.createStructField(m, DataTypes.DoubleType, true));
        }
        for (String m : bootstrapped) {
            for (String bound : List.of(Bootstrap.low(m), Bootstrap.high(m))) {
                fields.add(DataTypes.createStructField(bound, DataTypes.DoubleType, true));
                segmentFields.add(DataTypes.createStructField(bound, DataTypes.DoubleType, true));
            }
        }
        return new WithSegments(spark.createDataFrame(groupRows, new StructType(fields.toArray(StructField[]::new))),
                spark.createDataFrame(segmentRows, new StructType(segmentFields.toArray(StructField[]::new))));
    }
}
