package dev.nightshift.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;

/**
 * Spark's code generation, turned off for a job whose input is small. Before a query runs, Spark writes Java source for
 * its whole-stage pipelines, projections and predicates and compiles it with Janino on the driver, once per query and
 * JVM. A Nightshift job is a fresh JVM running a few dozen queries (validation, scoring, the Delta commit and its log,
 * evaluation), so on a night of a few thousand rows most of that compiling is never paid back: the rows would be
 * through the interpreted expressions before the compiler is done. Below {@link #MAX_INPUT_BYTES} of input (Spark's own
 * size estimate of the job's input relation, before any job runs: the bytes of its files), the job's session runs its
 * queries interpreted: whole-stage code generation off, and every expression, projection and predicate in its
 * interpreted form. The results are the same (Spark's two implementations of each expression;
 * {@code CodeGenerationTest} compares a whole night both ways). Interpreted, each row costs more: in the night benchmark
 * a 1,000- and a 20,000-row night (23 and 338 KB) were about a sixth shorter, a 200,000-row one (3 MB) was 30% longer,
 * hence the default of 512 KiB (README, "A small input runs without code generation").
 *
 * <p>Set {@link #MAX_INPUT_BYTES} to 0 ({@code nightshift.spark.conf.spark.nightshift.interpretedMaxInputBytes=0}) to
 * keep code generation on for every input.
 */
public final class CodeGeneration {
    private static final Logger log = LoggerFactory.getLogger(CodeGeneration.class);

    /** Inputs of at most this many bytes (Spark's estimate) run interpreted; 0 turns interpretation off. */
    public static final String MAX_INPUT_BYTES = "spark.nightshift.interpretedMaxInputBytes";
    static final long DEFAULT_MAX_INPUT_BYTES = 512L << 10;
    static final String WHOLE_STAGE = "spark.sql.codegen.wholeStage";
    static final String FACTORY_MODE = "spark.sql.codegen.factoryMode";

    private CodeGeneration() {
    }

    /**
     * Turns code generation off in {@code spark}'s session when {@code input} is estimated at no more than
     * {@link #MAX_INPUT_BYTES}; leaves the session as it is otherwise. Runs no Spark job. Returns whether it turned it off.
     */
    public static boolean interpretIfSmall(SparkSession spark, Dataset<?> input, String what) {
        long max = parseMax(spark.conf().get(MAX_INPUT_BYTES, String.valueOf(DEFAULT_MAX_INPUT_BYTES)));
        BigInteger size = input.queryExecution().optimizedPlan().stats().sizeInBytes().bigInteger();
        if (!interprets(size, max)) {
            return false;
        }
        spark.conf().set(WHOLE_STAGE, "false");
        spark.conf().set(FACTORY_MODE, "NO_CODEGEN");
        log.info("{}: input of {} bytes (Spark's estimate) is within {} = {}: queries run interpreted, without code generation",
                what, size, MAX_INPUT_BYTES, max);
        return true;
    }

    /** Whether an input of {@code size} bytes runs interpreted under a limit of {@code max} bytes (0: never). */
    static boolean interprets(BigInteger size, long max) {
        return max > 0 && size.compareTo(BigInteger.valueOf(max)) <= 0;
    }

    private static long parseMax(String value) {
        try {
            long max = Long.parseLong(value.trim());
            if (max < 0) {
                throw new NumberFormatException("negative");
            }
            return max;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MAX_INPUT_BYTES + " must be a number of bytes (0 or more), got '" + value + "'", e);
        }
    }

    /** Code generation as a session has it when no job turned it off (what tests sharing one session restore). */
    public static void restoreDefaults(SparkSession spark) {
        spark.conf().unset(WHOLE_STAGE);
        spark.conf().unset(FACTORY_MODE);
    }
}
