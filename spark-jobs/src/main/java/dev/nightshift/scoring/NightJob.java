package dev.nightshift.scoring;

import dev.nightshift.contract.NightArgs;
import dev.nightshift.drift.DriftJob;
import dev.nightshift.evaluation.EvaluateJob;
import dev.nightshift.spark.DbConfig;
import dev.nightshift.spark.JobMain;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark work of one night in one application: {@link ScoreJob}, then {@link EvaluateJob} and {@link DriftJob} when
 * the spec monitors metrics and drift. One JVM and one session instead of three: each Spark application pays its own
 * JVM start, session and Delta set-up. Each part commits its own results atomically and replaces what an earlier
 * attempt wrote, so a failed night is simply run again; a failure in evaluation or drift leaves the night's published
 * predictions in place. With drift, the input and prediction summaries come from the score step's cached rows
 * ({@link ScoreJob#run(SparkSession, dev.nightshift.contract.ScoreArgs, DbConfig, boolean)}), not from a re-read.
 */
public final class NightJob {
    private static final Logger log = LoggerFactory.getLogger(NightJob.class);

    private NightJob() {
    }

    public static void main(String[] args) {
        JobMain.run("nightshift-night", args, NightArgs::parse, (spark, a) -> run(spark, a, DbConfig.fromEnv()));
    }

    public static void run(SparkSession spark, NightArgs args, DbConfig db) throws Exception {
        // With drift asked for, the score step profiles the input in its validation pass and the predictions while
        // counting them, so DriftJob reads neither again.
        ScoreJob.Result scored = ScoreJob.run(spark, args.score(), db, args.drift());
        if (args.evaluate()) {
            log.info("{} {}: evaluating labelled earlier nights", args.pipeline(), args.businessDate());
            EvaluateJob.run(spark, args.evaluation(), db);
        }
        if (args.drift()) {
            log.info("{} {}: measuring drift", args.pipeline(), args.businessDate());
            DriftJob.run(spark, args.driftArgs(), db, scored.drift());
        }
    }
}
