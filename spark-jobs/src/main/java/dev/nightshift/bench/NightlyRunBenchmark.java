package dev.nightshift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightshift.contract.GenerateDataArgs;
import dev.nightshift.data.GenerateDataJob;
import dev.nightshift.data.SyntheticData;
import dev.nightshift.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code scripts/bench --night ROWS [JSON_OUT] [HOME_DIR] [PIPELINE]}: the whole nightly flow as an operator runs it,
 * timed from outside. In a fresh Nightshift home (embedded PostgreSQL on a free port, its own warehouse) it generates
 * the churn demo's input (ROWS customers on the two measured dates, {@value #HISTORY_ENTITIES} a day on the week
 * before, from which the first champion is trained), applies {@code config/pipelines/churn.yml}, then runs two nights
 * with {@code scripts/nightshift run churn --date D}: the bootstrap night (trains the first champion, scores) and, two days
 * later, the measured night (scores, evaluates the bootstrap night's predictions whose labels have now arrived,
 * measures drift, decides). For each it reads the run's steps from {@code nightshift runs show ID --json} and the
 * Spark applications' wall times from the orchestrator's log ("Spark application X finished in S s"), and reports each
 * part's seconds and share, rows/s end to end and the orchestration overhead: the command's wall time minus the
 * Spark applications' (so the Spark JVMs' own start-up counts as Spark, not as overhead).
 *
 * <p>PIPELINE {@code demand} measures a regression night instead: the demo's demand input (ROWS items on the two
 * measured dates, {@value #HISTORY_ENTITIES} a day on the two weeks before: {@code demand.yml} holds out its last 7
 * days) and {@code config/pipelines/demand.yml} with a monitoring block added (an rmse policy, drift, segments per
 * category; the demo's demand pipeline has none), written to the home as {@code bench-demand.yml}.
 */
public final class NightlyRunBenchmark {

    static final long HISTORY_ENTITIES = 20_000;
    /** The bound on orchestration overhead per nightly run, local mode. */
    static final double OVERHEAD_TARGET_SECONDS = 10.0;
    private static final LocalDate FIRST_NIGHT = LocalDate.of(2026, 11, 10);
    private static final Pattern SPARK_FINISHED = Pattern.compile("Spark application (\\S+) finished in ([0-9.]+) s");
    private static final Pattern COMPLETED_RUN = Pattern.compile(": COMPLETED \\(run (\\d+)\\)");

    /** {@code home} null: a temporary home, deleted at the end. */
    record Args(long rows, Path json, Path home, String pipeline) {
        static Args parse(String[] a) {
            if (a.length < 1 || a.length > 4) {
                throw new IllegalArgumentException("usage: scripts/bench --night ROWS [JSON_OUT] [HOME_DIR] [churn|demand]");
            }
            String pipeline = a.length > 3 ? a[3] : SyntheticData.CHURN;
            if (!pipeline.equals(SyntheticData.CHURN) && !pipeline.equals(SyntheticData.DEMAND)) {
                throw new IllegalArgumentException("--night: PIPELINE must be churn or demand, got '" + pipeline + "'");
            }
            long rows;
            try {
                rows = Long.parseLong(a[0].replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--night: ROWS must be a whole number, got '" + a[0] + "'", e);
            }
            if (rows < 1000) {
                throw new IllegalArgumentException("--night: ROWS must be at least 1000, got " + rows);
            }
            return new Args(rows, Path.of(a.length > 1 ? a[1] : "spark-jobs/target/bench/night.json"),
                    a.length > 2 && !a[2].isEmpty() ? Path.of(a[2]).toAbsolutePath() : null, pipeline);
        }
    }

    /** One part of a night: a step of the run, or time outside the steps. */
    record Part(String name, double seconds) {
    }

    /** A timed night: the command's wall time, the run as recorded, its parts and its Spark applications. */
    record Night(String label, LocalDate date, long runId, long rowsScored, double commandSeconds, double runSeconds,
                 List<Part> steps, Map<String, Double> sparkApplications, String log) {

        double sparkSeconds() {
            return sparkApplications.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        /** Everything but the Spark applications, from the command's start to its exit. */
        double overheadSeconds() {
            return commandSeconds - sparkSeconds();
        }

        double stepSeconds() {
            return steps.stream().mapToDouble(Part::seconds).sum();
        }
    }

    private NightlyRunBenchmark() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        Path install = Path.of(System.getProperty("nightshift.install", "")).toAbsolutePath();
        Path home = args.home() != null ? args.home() : Files.createTempDirectory("nightshift-bench-night-");
        Files.createDirectories(home);
        Path logs = args.json().toAbsolutePath().getParent();
        Files.createDirectories(logs);
        LocalDate measured = FIRST_NIGHT.plusDays(2);
        try {
            String warehouse = home.resolve("warehouse").toUri().toString();
            String pipeline = args.pipeline();
            boolean churn = pipeline.equals(SyntheticData.CHURN);
            int historyDays = churn ? 7 : 14;
            System.out.printf(Locale.ROOT, "home %s%ngenerating %s input: %,d %s on %s and %s, %,d a day on %s .. %s%n", home, pipeline,
                    args.rows(), churn ? "customers" : "items", FIRST_NIGHT, measured, HISTORY_ENTITIES,
                    FIRST_NIGHT.minusDays(historyDays), FIRST_NIGHT.minusDays(1));
            generate(warehouse, pipeline, historyDays, args.rows(), measured);

            Cli cli = new Cli(install, home);
            cli.run(logs.resolve("night-setup.log"), "pipelines", "apply", spec(install, home, pipeline).toString());
            Night bootstrap = night(cli, pipeline, "bootstrap night (trains the first champion)", FIRST_NIGHT,
                    logs.resolve("night-bootstrap.log"));
            Night night = night(cli, pipeline, "measured night", measured, logs.resolve("night-measured.log"));

            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%nnightly run of %s, %,d rows a night, one JVM per command (scripts/nightshift), "
                    + "Spark %s as the orchestrator configures it, %d cores%n", pipeline, args.rows(), System.getenv().getOrDefault(
                    "NIGHTSHIFT_SPARK_MASTER", "local master"), Runtime.getRuntime().availableProcessors()));
            for (Night n : List.of(night, bootstrap)) {
                out.append(table(n));
            }
            out.append(String.format(Locale.ROOT, "measured night: %s rows/s end to end (%,d rows in %.1f s of `nightshift run`); "
                            + "orchestration overhead %.1f s (target <= %.0f s: %s)%n", ScoringBenchmark.human(night.rowsScored() / night.commandSeconds()),
                    night.rowsScored(), night.commandSeconds(), night.overheadSeconds(), OVERHEAD_TARGET_SECONDS,
                    night.overheadSeconds() <= OVERHEAD_TARGET_SECONDS ? "met" : "NOT met"));
            out.append("overhead: the command's wall time minus its Spark applications' (the Spark JVMs' start-up counts as Spark); "
                    + "it includes the orchestrator's JVM and Spring start, the embedded PostgreSQL's start and stop, Flyway's check, "
                    + "the Batch job and every database write outside Spark. Logs: " + logs + "\n");
            System.out.print(out);

            StringBuilder json = new StringBuilder("{\n");
            json.append(String.format(Locale.ROOT, "  \"pipeline\": \"%s\",%n  \"rows\": %d,%n  \"cores\": %d,%n  \"java\": \"%s\",%n  \"measuredAt\": \"%s\",%n"
                            + "  \"overheadTargetSeconds\": %.1f,%n  \"nights\": [%n%s,%n%s%n  ]%n}%n", pipeline, args.rows(),
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), java.time.Instant.now(),
                    OVERHEAD_TARGET_SECONDS, json(night), json(bootstrap)));
            ScoringBenchmark.write(args.json(), json.toString());
        } finally {
            if (args.home() == null) {
                delete(home);
            }
        }
    }

    /**
     * The pipeline's spec: churn's as the demo has it; demand's with a monitoring block added (evaluation with an rmse
     * policy, drift, segments per category), written to {@code home}.
     */
    private static Path spec(Path install, Path home, String pipeline) throws IOException {
        Path demo = install.resolve("config/pipelines/" + pipeline + ".yml");
        if (pipeline.equals(SyntheticData.CHURN)) {
            return demo;
        }
        String yml = Files.readString(demo);
        if (yml.contains("\nmonitoring:")) {
            throw new IllegalStateException(demo + " has a monitoring block now: use it instead of the benchmark's");
        }
        Path spec = home.resolve("bench-demand.yml");
        Files.writeString(spec, yml + "monitoring:\n"
                + "  metrics:\n"
                + "    - { metric: rmse, max: 1000, minSamples: 500, consecutive: 2 }\n"
                + "  drift: { method: auto }\n"
                + "  segments: [ category ]\n");
        return spec;
    }

    /** History for the first champion's training window and holdout, then the two measured dates at full size. */
    private static void generate(String warehouse, String pipeline, int historyDays, long rows, LocalDate measured) {
        SparkSession spark = SparkSessions.configure(SparkSession.builder().master("local[2]").appName("nightshift-bench-night-data"))
                .getOrCreate();
        int lag = pipeline.equals(SyntheticData.CHURN) ? 2 : 1;   // the labels' lagDays of the pipeline's spec
        try {
            GenerateDataJob.run(spark, new GenerateDataArgs(pipeline, warehouse, FIRST_NIGHT.minusDays(historyDays),
                    FIRST_NIGHT.minusDays(1), HISTORY_ENTITIES, 7L, null, 0.0, 0.0, lag));
            for (LocalDate d : List.of(FIRST_NIGHT, measured)) {
                GenerateDataJob.run(spark, new GenerateDataArgs(pipeline, warehouse, d, d, rows, 7L, null, 0.0, 0.0, lag));
            }
        } finally {
            spark.stop();
        }
    }

    private static Night night(Cli cli, String pipeline, String label, LocalDate date, Path log) throws IOException,
            InterruptedException {
        System.out.printf(Locale.ROOT, "%s: scripts/nightshift run %s --date %s (log %s)%n", label, pipeline, date, log);
        double seconds = cli.run(log, "run", pipeline, "--date", date.toString());
        String text = Files.readString(log);
        Matcher run = COMPLETED_RUN.matcher(text);
        if (!run.find()) {
            throw new IllegalStateException("`nightshift run " + pipeline + " --date " + date + "` printed no completed run; see " + log);
        }
        long runId = Long.parseLong(run.group(1));
        Map<String, Double> spark = new LinkedHashMap<>();
        Matcher m = SPARK_FINISHED.matcher(text);
        while (m.find()) {
            spark.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        }
        Path showLog = log.resolveSibling(log.getFileName().toString().replace(".log", "-show.json"));
        cli.run(showLog, "runs", "show", Long.toString(runId), "--json");
        // The embedded database logs its start on stdout before --json silences the console: the document starts at
        // the first line that opens an object.
        String shown = Files.readString(showLog);
        int document = shown.startsWith("{") ? 0 : shown.indexOf("\n{") + 1;
        if (document < 0 || !shown.startsWith("{", document)) {
            throw new IllegalStateException("`nightshift runs show " + runId + " --json` printed no JSON object; see " + showLog);
        }
        JsonNode summary = new ObjectMapper().readTree(shown.substring(document));
        JsonNode r = summary.path("run");
        if (!"COMPLETED".equals(r.path("status").asText())) {
            throw new IllegalStateException("run " + runId + " is " + r.path("status").asText() + ", expected COMPLETED; see " + showLog);
        }
        double runSeconds = Duration.between(OffsetDateTime.parse(r.path("startedAt").asText()),
                OffsetDateTime.parse(r.path("finishedAt").asText())).toNanos() / 1e9;
        List<Part> steps = new ArrayList<>();
        for (JsonNode s : summary.path("steps")) {
            if (s.path("endedAt").isNull() || s.path("endedAt").isMissingNode()) {
                throw new IllegalStateException("run " + runId + ": step " + s.path("step").asText() + " has no end time; see " + showLog);
            }
            steps.add(new Part(s.path("step").asText(), Duration.between(LocalDateTime.parse(s.path("startedAt").asText()),
                    LocalDateTime.parse(s.path("endedAt").asText())).toNanos() / 1e9));
        }
        return new Night(label, date, runId, r.path("rowsScored").asLong(), seconds, runSeconds, steps, spark, log.toString());
    }

    private static String table(Night n) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%n%s, business date %s, run %d, %,d rows scored%n",
                n.label(), n.date(), n.runId(), n.rowsScored()));
        t.append("| part | seconds | share |\n|---|---|---|\n");
        double total = n.commandSeconds();
        double outsideRun = total - n.runSeconds();
        t.append(row("outside the run: JVM, Spring, embedded PostgreSQL start/stop, Flyway check", outsideRun, total));
        for (Part p : n.steps()) {
            t.append(row("step " + p.name(), p.seconds(), total));
        }
        t.append(row("in the run, between steps (job launch, run bookkeeping)", n.runSeconds() - n.stepSeconds(), total));
        t.append(row("whole `nightshift run`", total, total));
        n.sparkApplications().forEach((app, s) -> t.append(row("of which Spark application " + app + " (JVM to exit)", s, total)));
        t.append(row("orchestration overhead (all but Spark applications)", n.overheadSeconds(), total));
        t.append(String.format(Locale.ROOT, "%s rows/s end to end%n", ScoringBenchmark.human(n.rowsScored() / total)));
        return t.toString();
    }

    private static String row(String name, double seconds, double total) {
        return String.format(Locale.ROOT, "| %s | %.1f | %.0f%% |%n", name, seconds, 100 * seconds / total);
    }

    static String json(Night n) {
        StringBuilder steps = new StringBuilder();
        for (Part p : n.steps()) {
            steps.append(steps.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "{\"step\": \"%s\", \"seconds\": %.3f, \"share\": %.4f}",
                    p.name(), p.seconds(), p.seconds() / n.commandSeconds()));
        }
        StringBuilder spark = new StringBuilder();
        n.sparkApplications().forEach((app, s) -> spark.append(spark.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "\"%s\": %.3f", app, s)));
        return String.format(Locale.ROOT, "    {\"label\": \"%s\", \"businessDate\": \"%s\", \"runId\": %d, \"rowsScored\": %d, "
                        + "\"commandSeconds\": %.3f, \"runSeconds\": %.3f, \"rowsPerSecond\": %.0f,%n     \"steps\": [%s],%n"
                        + "     \"sparkApplicationSeconds\": {%s}, \"sparkSeconds\": %.3f, \"overheadSeconds\": %.3f}",
                n.label(), n.date(), n.runId(), n.rowsScored(), n.commandSeconds(), n.runSeconds(), n.rowsScored() / n.commandSeconds(),
                steps, spark, n.sparkSeconds(), n.overheadSeconds());
    }

    /** {@code scripts/nightshift} against the benchmark's home: embedded PostgreSQL on a free port, never a configured server. */
    private record Cli(Path install, Path home) {
        /**
         * Runs one command, its output into {@code log} (stderr too, except for {@code --json} commands, whose stderr goes
         * to {@code log}.err so that the log stays one JSON document); returns its wall time in seconds, or fails naming the log.
         */
        double run(Path log, String... command) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(install.resolve("scripts/nightshift").toString());
            cmd.addAll(List.of(command));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(install.toFile()).redirectOutput(log.toFile());
            if (cmd.contains("--json")) {
                pb.redirectError(log.resolveSibling(log.getFileName() + ".err").toFile());
            } else {
                pb.redirectErrorStream(true);
            }
            Map<String, String> env = pb.environment();
            env.remove("NIGHTSHIFT_DB_URL");
            env.put("NIGHTSHIFT_JAVA_OPTS", (env.getOrDefault("NIGHTSHIFT_JAVA_OPTS", "") + " -Dnightshift.home=" + home
                    + " -Dnightshift.embedded.port=0").trim());
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new IllegalStateException("`nightshift " + String.join(" ", command) + "` did not finish within 2 h; see " + log);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (p.exitValue() != 0) {
                throw new IllegalStateException("`nightshift " + String.join(" ", command) + "` exited with " + p.exitValue() + "; see " + log);
            }
            return seconds;
        }
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir.resolve("pg/postmaster.pid"))) {
            System.out.println("the embedded PostgreSQL in " + dir + " still runs; left in place");
            return;
        }
        ScoringBenchmark.deleteTree(dir);
    }
}
