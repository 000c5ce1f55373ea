package dev.nightshift.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.cli.CliExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Crashes, injected into real processes: each test says what it kills and what must hold afterwards. All of them share
 * one PostgreSQL, one warehouse and one pipeline ({@code churn}, 300 customers a night); each uses its own date.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrchestratorCrashFaultIT {
    static final long ENTITIES = 300;
    static final LocalDate D1 = LocalDate.of(2026, 11, 1);
    static final Duration BOUND = Duration.ofMinutes(4);

    NightshiftProcesses ns;

    @BeforeAll
    void setUp() throws Exception {
        ns = new NightshiftProcesses();
        ns.generateChurn(D1.minusDays(40), D1.plusDays(6), ENTITIES);
        // the example spec without monitoring, with 5 trees: these nights only score, which is what the faults hit
        Path churn = ns.workDir().resolve("churn.yml");
        Files.writeString(churn, dev.nightshift.TestSpecs.fewerTrees(
                dev.nightshift.TestSpecs.churnScoringOnly(NightshiftProcesses.INSTALL.resolve("config/pipelines/churn.yml"), "churn")));
        NightshiftProcesses.Result applied = ns.run(BOUND, "pipelines", "apply", churn.toString());
        assertThat(applied.exitCode()).as(applied.output()).isZero();
        // the first night trains the champion; the faults below hit scoring nights
        NightshiftProcesses.Result first = ns.run(BOUND, "run", "churn", "--date", D1.toString());
        assertThat(first.exitCode()).as(first.output()).isZero();
        // not a terminal: the progress of the run comes as plain lines, each step as it starts and ends, with the rows
        assertThat(first.output()).contains("churn " + D1 + " run ").contains(": step champion started")
                .containsPattern("churn " + D1 + " run \\d+: step score COMPLETED in \\d+\\.\\d s, \\d+ rows scored")
                .doesNotContain("\r");
    }

    @AfterAll
    void tearDown() throws Exception {
        ns.close();
    }

    @Test
    @Order(1)
    void killDash9OfTheOrchestratorDuringScoringThenRunningAgainCompletesTheNightOnce() throws Exception {
        LocalDate d = D1.plusDays(1);
        // inject: SIGKILL the orchestrator while its score step's Spark child is running
        Process orchestrator = ns.start("run", "churn", "--date", d.toString());
        NightshiftProcesses.await("the score child of " + d, BOUND,
                () -> !ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d).isEmpty());
        // its Spark context is up: the block manager's folder is in the child's scratch folder
        NightshiftProcesses.await("the score child's block manager folder", BOUND, () -> {
            try (var found = java.nio.file.Files.find(ns.scratch(), 2, (p, a) -> p.getFileName().toString().startsWith("blockmgr-"))) {
                return found.findAny().isPresent();
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                return false;   // not there yet, or a folder went while it was listed
            }
        });
        Thread.sleep(1000);
        NightshiftProcesses.kill(orchestrator);

        // check: the child follows its orchestrator instead of writing on as an orphan
        NightshiftProcesses.await("the orphaned score child to exit", Duration.ofSeconds(30),
                () -> ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d).isEmpty());
        assertThat(ns.queryOne("SELECT status FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ? ORDER BY id DESC LIMIT 1", d)).isEqualTo("RUNNING");
        // the child halted without Spark's shutdown hooks: its block manager's folder is still in its scratch folder
        List<String> left = ns.scratchFolders();
        assertThat(left).singleElement().satisfies(f -> assertThat(f).startsWith("night-churn-" + d + "-"));
        try (var inside = java.nio.file.Files.list(ns.scratch().resolve(left.get(0)))) {
            assertThat(inside.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("blockmgr-"));
        }

        // recover: the same command again
        NightshiftProcesses.Result again = ns.run(BOUND, "run", "churn", "--date", d.toString());

        assertThat(again.exitCode()).as(again.output()).isZero();
        // the orchestrator removed the dead child's folder as it started, and its own child's when it had exited
        assertThat(again.output()).contains("removed 1 scratch folder(s) of Spark JVMs that are gone");
        assertThat(ns.scratchFolders()).isEmpty();
        assertThat(ns.column("SELECT status FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ? ORDER BY id", d)).containsExactly("FAILED", "COMPLETED");
        assertThat((String) ns.queryOne("SELECT error FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ? ORDER BY id LIMIT 1", d))
                // either proof of death may come first: a restart slower than the lease (a loaded machine) finds the old heartbeat first
                .containsAnyOf("no longer exists", "longer ago than the lease").contains("marked failed");
        assertOneRowPerEntity(d);
        assertOneRowPerEntity(D1);
        // the restart resumed the killed job instance at its score step rather than starting over
        assertThat(ns.column("""
                SELECT s.step_name FROM nightshift.batch_step_execution s JOIN nightshift.runs r ON r.job_execution_id = s.job_execution_id
                WHERE r.pipeline = 'churn' AND r.business_date = ? AND r.status = 'COMPLETED' ORDER BY s.step_execution_id""", d))
                .containsExactly("score", "decide");
    }

    @Test
    @Order(2)
    void killDash9OfTheSparkChildFailsTheStepWithoutRetriesKeepsEarlierResultsAndARestartCompletes() throws Exception {
        // given a date scored once already (the first night, in the set-up), re-run explicitly with transient retries off
        LocalDate d = D1;
        Process rerun = ns.start(List.of("-Dnightshift.spark.retries=0"), "run", "churn", "--date", d.toString(), "--rerun");
        killScoreChildOnce(d);

        // check: the orchestrator reports the failure and exits 1; the first result of the date is intact
        assertThat(rerun.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(rerun.exitValue()).isEqualTo(1);
        assertThat(ns.scratchFolders()).as("the killed child's scratch folder, removed by its orchestrator").isEmpty();
        assertOneRowPerEntity(d);
        long firstRunId = ((Number) ns.queryOne("SELECT min(id) FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ?", d)).longValue();
        assertThat(ns.column("SELECT DISTINCT run_id FROM nightshift.predictions WHERE pipeline = 'churn' AND business_date = ?", d))
                .containsExactly(firstRunId);

        // recover: the same re-run command resumes the failed instance
        NightshiftProcesses.Result again = ns.run(BOUND, "run", "churn", "--date", d.toString(), "--rerun");

        assertThat(again.exitCode()).as(again.output()).isZero();
        assertOneRowPerEntity(d);
    }

    @Test
    @Order(3)
    void withTheDefaultRetryAKilledSparkChildIsRetriedAndTheNightCompletesInOneRun() throws Exception {
        LocalDate d = D1.plusDays(5);
        Process run = ns.start("run", "churn", "--date", d.toString());
        // inject: SIGKILL the first score child (transient: no error reported)
        killScoreChildOnce(d);

        assertThat(run.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(ns.lastLog()).isZero();
        assertThat(ns.column("SELECT status FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ?", d)).containsExactly("COMPLETED");
        assertOneRowPerEntity(d);
    }

    @Test
    @Order(4)
    void postgresRestartedDuringARunLeavesNothingHalfWrittenAndTheNightCompletes() throws Exception {
        LocalDate d = D1.plusDays(6);
        Process run = ns.start("run", "churn", "--date", d.toString());
        NightshiftProcesses.await("the score child of " + d, BOUND,
                () -> !ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d).isEmpty());
        // inject: the database goes away for 3 s in the middle of scoring
        ns.restartDatabase(Duration.ofSeconds(3));

        assertThat(run.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        if (run.exitValue() != 0) {
            // the step failed cleanly (or the run was left RUNNING): running the date again must complete it
            NightshiftProcesses.Result again = ns.run(BOUND, "run", "churn", "--date", d.toString());
            assertThat(again.exitCode()).as(again.output()).isZero();
        }
        assertThat(ns.count("SELECT count(*) FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ? AND status = 'COMPLETED'", d))
                .isEqualTo(1);
        assertOneRowPerEntity(d);
        assertOneRowPerEntity(D1);
    }

    @Test
    @Order(5)
    void sigtermDuringARunStopsItsSparkJobRecordsTheFailureAndARestartResumes() throws Exception {
        LocalDate d = D1.plusDays(4);
        Process run = ns.start(List.of("-Dnightshift.shutdown.grace=1s", "-Dnightshift.shutdown.kill-after=2s"), "run", "churn",
                "--date", d.toString());
        NightshiftProcesses.await("the score child of " + d, BOUND,
                () -> !ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d).isEmpty());
        // given a Spark job that does not stop when asked: SIGSTOP holds it, and the SIGTERM it gets stays pending (a
        // driver stuck in a hook or a system call); only SIGKILL ends it
        List<ProcessHandle> children = ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d);
        try {
            for (ProcessHandle child : children) {
                NightshiftProcesses.signal("STOP", child.pid());
            }
            // inject: SIGTERM, as a service manager stopping the orchestrator
            run.destroy();

            assertThat(run.waitFor(2, TimeUnit.MINUTES)).isTrue();
            // the shutdown asked its Spark job to stop, and after its grace killed it before the orchestrator exited (not
            // the child, later, missing its parent; nor left held forever)
            assertThat(ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d)).as("score children left").isEmpty();
            assertThat(ns.lastLog()).contains("stopped 1 Spark application(s) still running after PT1S (killed if still running PT2S after");
            // and removed the killed job's scratch folder before the orchestrator exited
            assertThat(ns.scratchFolders()).as("scratch folders left").isEmpty();
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        assertThat(ns.queryOne("SELECT status FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ? ORDER BY id DESC LIMIT 1", d))
                .isEqualTo("FAILED");
        assertThat((String) ns.queryOne("SELECT error FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ? ORDER BY id DESC LIMIT 1", d))
                .contains("shut down");
        NightshiftProcesses.Result again = ns.run(BOUND, "run", "churn", "--date", d.toString());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertOneRowPerEntity(d);
    }

    private void killScoreChildOnce(LocalDate d) throws InterruptedException {
        NightshiftProcesses.await("the score child of " + d, BOUND,
                () -> !ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d).isEmpty());
        Thread.sleep(3000);
        ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d).forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    @Order(6)
    void twoServeInstancesRunAFiredNightExactlyOnceAndTheSurvivorFinishesItWhenTheOwnerIsKilled() throws Exception {
        LocalDate d = D1.plusDays(3);
        Process a = ns.start("serve");
        Process b = ns.start("serve");
        NightshiftProcesses.await("two live serve instances", BOUND,
                () -> ns.count("SELECT count(*) FROM nightshift.qrtz_scheduler_state") >= 2);

        assertThat(ns.run(BOUND, "schedule", "fire", "churn", "--date", d.toString()).exitCode()).isZero();
        NightshiftProcesses.await("the fired run of " + d + " to start scoring", BOUND,
                () -> !ns.sparkChildren("dev.nightshift.scoring.NightJob", "--business-date=" + d).isEmpty());
        // inject: SIGKILL whichever instance owns the run
        long ownerPid = ((Number) ns.queryOne("""
                SELECT i.pid FROM nightshift.runs r JOIN nightshift.instances i ON i.id = r.owner
                WHERE r.business_date = ? AND r.status = 'RUNNING'""", d)).longValue();
        assertThat(ownerPid).isIn(a.pid(), b.pid());
        NightshiftProcesses.killPid(ownerPid);

        // check: the other instance recovers the job (Quartz recovery), marks the dead owner's run failed and finishes
        NightshiftProcesses.await("a completed run of " + d, BOUND,
                () -> ns.count("SELECT count(*) FROM nightshift.runs WHERE business_date = ? AND status = 'COMPLETED'", d) == 1);
        List<Object> statuses = ns.column("SELECT status FROM nightshift.runs WHERE pipeline = 'churn' AND business_date = ? ORDER BY id", d);
        assertThat(statuses).containsExactly("FAILED", "COMPLETED");
        assertOneRowPerEntity(d);
        // the dead owner's score child halted without Spark's hooks; the survivor, which never restarted, removed its
        // scratch folder when it submitted the night again (and its own when that child exited)
        assertThat(ns.scratchFolders()).as("scratch folders left").isEmpty();
    }

    @Test
    @Order(7)
    void anUnwritableWarehousePathFailsTheRunWithAClearErrorAndLosesNothing() throws Exception {
        LocalDate d = D1.plusDays(4);
        // given a second pipeline whose prediction table location is occupied by a plain file
        Path spec = ns.workDir().resolve("churn-ro.yml");
        Files.writeString(spec, dev.nightshift.TestSpecs.churnScoringOnly(NightshiftProcesses.INSTALL.resolve("config/pipelines/churn.yml"), "churn-ro")
                .replace("algorithm: gbt-classifier", "algorithm: logistic-regression")
                .replace("params: { maxDepth: 4, maxIter: 20, stepSize: 0.1 }", "params: { maxIter: 10 }"));
        assertThat(ns.run(BOUND, "pipelines", "apply", spec.toString()).exitCode()).isZero();
        Path blocked = Path.of(java.net.URI.create(ns.warehouse())).resolve("predictions/churn-ro");
        Files.createDirectories(blocked.getParent());
        Files.writeString(blocked, "a file where the Delta table should go");
        long before = ns.count("SELECT count(*) FROM nightshift.predictions");

        NightshiftProcesses.Result r = ns.run(BOUND, "run", "churn-ro", "--date", d.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat((String) ns.queryOne("SELECT error FROM nightshift.runs WHERE pipeline = 'churn-ro' ORDER BY id DESC LIMIT 1"))
                .contains("predictions/churn-ro");
        assertThat(ns.count("SELECT count(*) FROM nightshift.predictions")).isEqualTo(before);
        assertOneRowPerEntity(D1);
    }

    @Test
    @Order(8)
    void afterAllThatTheCommandsThatExplainTheChampionDescribeIt() throws Exception {
        // started as scripts/nightshift starts it, from the build's class-data sharing archive: -Xshare:on fails the
        // command if the archive cannot be mapped, and the class log says where the app's own classes came from (not
        // under logs/, where a command's output is read from the newest file)
        Path classLog = ns.workDir().resolve("models-show-classes.log");
        NightshiftProcesses.Result show = ns.run(BOUND, List.of("-Xshare:on", "-Xlog:class+load=info:file=" + classLog),
                "models", "show", "churn");
        NightshiftProcesses.Result constraints = ns.run(BOUND, "models", "constraints", "churn", "v1");
        NightshiftProcesses.Result decisions = ns.run(BOUND, "decisions", "churn");
        NightshiftProcesses.Result noRollback = ns.run(BOUND, "models", "rollback", "churn");

        assertThat(show.exitCode()).as(show.output()).isZero();
        assertThat(show.output()).contains("churn v1 (champion)", "gbt-classifier", "training data", "rows=", "manifest sha256");
        assertThat(NightshiftProcesses.APP_CDS).as("the app's class-data sharing archive (batch/pom.xml, app-class-data-sharing)").isNotNull();
        assertThat(Files.readString(classLog))
                .contains("dev.nightshift.NightshiftApplication source: shared objects file")
                .contains("dev.nightshift.cli.ModelsCommand source: shared objects file");
        assertThat(constraints.exitCode()).as(constraints.output()).isZero();
        // the training rows' observed bounds, the categories validation accepts, and spec lines to review
        assertThat(constraints.output()).contains("tenure_months", "numeric", "plan", "basic, premium, standard",
                "  - { name: monthly_charges, type: numeric, min: ");
        assertThat(decisions.exitCode()).as(decisions.output()).isZero();
        assertThat(decisions.output()).contains("no_decision", "the spec has no monitoring.metrics policy");
        assertThat(noRollback.exitCode()).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(noRollback.output()).contains("did not replace an earlier champion; nothing to roll back to");
    }

    private void assertOneRowPerEntity(LocalDate d) {
        assertThat(ns.count("SELECT count(*) FROM nightshift.predictions WHERE pipeline = 'churn' AND business_date = ?", d)).isEqualTo(ENTITIES);
        assertThat(ns.count("SELECT count(DISTINCT entity_id) FROM nightshift.predictions WHERE pipeline = 'churn' AND business_date = ?", d)).isEqualTo(ENTITIES);
    }
}
