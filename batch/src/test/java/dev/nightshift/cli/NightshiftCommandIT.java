package dev.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it: output, errors on stderr, exit codes. */
class NightshiftCommandIT {
    @TempDir
    static Path home;

    @BeforeAll
    static void isolatedHome() {
        System.setProperty("nightshift.home", home.toString());
        System.setProperty("nightshift.embedded.port", "0");
    }

    @AfterAll
    static void restore() {
        System.clearProperty("nightshift.home");
        System.clearProperty("nightshift.embedded.port");
    }

    @Test
    void helpNeedsNoDatabase() {
        Result r = run("pipelines", "apply", "--help");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("Usage: nightshift pipelines apply");
    }

    @Test
    void anInvalidSpecIsRefusedOnStderrWithExitCode3() throws Exception {
        Path bad = home.resolve("bad.yml");
        Files.writeString(bad, Files.readString(Path.of("../config/pipelines/churn.yml")).replace("gbt-classifier", "xgboost"));

        Result r = run("pipelines", "apply", bad.toString());

        assertThat(r.code).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(r.err).contains("bad.yml").contains("unknown algorithm 'xgboost'");
    }

    @Test
    void specsAreAppliedOnceAndListedAndUnknownPipelinesAreNamed() {
        Result applied = run("pipelines", "apply", "../config/pipelines/churn.yml", "../config/pipelines/demand.yml");
        Result again = run("pipelines", "apply", "../config/pipelines/churn.yml");
        Result list = run("pipelines", "list");
        Result unknown = run("run", "nope", "--date", "2026-11-01");
        Result usage = run("run", "churn", "--date", "yesterday");

        assertThat(applied.code).as(applied.err).isZero();
        assertThat(applied.out).contains("churn: applied as spec version 1").contains("demand: applied as spec version 1");
        assertThat(again.out).contains("churn: unchanged (spec version 1)");
        assertThat(list.out).contains("churn").contains("gbt-classifier").contains("demand").contains("linear-regression");
        assertThat(unknown.code).as(unknown.err).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(unknown.err).contains("unknown pipeline 'nope'; applied pipelines: churn, demand");
        assertThat(usage.code).isEqualTo(CliExitCodes.USAGE);
        assertThat(usage.err).contains("--date");
    }

    @Test
    void specsAreValidatedWithoutApplyingAndDiffedFieldByFieldAgainstTheAppliedVersion() throws Exception {
        Path changed = home.resolve("churn-changed.yml");
        Files.writeString(changed, Files.readString(Path.of("../config/pipelines/churn.yml"))
                .replace("maxDepth: 4", "maxDepth: 5").replace("promotion: auto", "promotion: manual"));
        Path bad = home.resolve("churn-bad.yml");
        Files.writeString(bad, Files.readString(Path.of("../config/pipelines/churn.yml")).replace("promotion: auto", "promotion: maybe"));

        Result valid = run("pipelines", "validate", "../config/pipelines/churn.yml", "../config/pipelines/demand.yml");
        Result invalid = run("pipelines", "validate", "../config/pipelines/churn.yml", bad.toString());
        run("pipelines", "apply", "../config/pipelines/churn.yml");
        Result diff = run("pipelines", "diff", "churn", changed.toString());
        Result same = run("pipelines", "diff", "churn", "../config/pipelines/churn.yml");

        assertThat(valid.code).as(valid.err).isZero();
        assertThat(valid.out).contains("churn.yml: valid (pipeline churn, binary-classification, 7 features, cron 0 30 2 * * ?)")
                .contains("demand.yml: valid (pipeline demand, regression");
        assertThat(invalid.code).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(invalid.out).contains("churn.yml: valid");
        assertThat(invalid.err).contains("churn-bad.yml: invalid pipeline spec", "field 'retraining.promotion': 'maybe'");
        assertThat(diff.code).as(diff.err).isZero();
        assertThat(diff.out).contains("(2 changes)", "model.params.maxDepth: 4 -> 5", "retraining.promotion: \"auto\" -> \"manual\"");
        assertThat(same.out).contains("applying it changes nothing");
    }

    @Test
    void alertsAreListedAsATableAndABadLimitIsInvalidInput() {
        Result list = run("alerts", "list", "--pipeline", "churn", "--limit", "5");
        Result bad = run("alerts", "list", "--limit", "0");

        assertThat(list.code).as(list.err).isZero();
        assertThat(list.out).contains("alert").contains("kind").contains("first seen").contains("nights").contains("delivery");
        assertThat(bad.code).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(bad.err).contains("--limit must be at least 1");
    }

    @Test
    void listsPrintJsonOrIdentifiersForScriptsAndAMissingRunIsNamed() throws Exception {
        run("pipelines", "apply", "../config/pipelines/churn.yml", "../config/pipelines/demand.yml");

        Result json = run("pipelines", "list", "--json");
        Result quiet = run("pipelines", "list", "--quiet");
        Result runs = run("runs", "list", "--json");
        Result both = run("runs", "list", "--json", "--quiet");
        Result missing = run("runs", "show", "424242");
        Result decisions = run("decisions", "churn", "--json");

        assertThat(json.code).as(json.err).isZero();
        com.fasterxml.jackson.databind.JsonNode pipelines = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out);
        assertThat(pipelines.findValuesAsText("name")).containsExactly("churn", "demand");
        assertThat(quiet.out.lines().toList()).containsExactly("churn", "demand");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(runs.out).isArray()).as(runs.out).isTrue();
        assertThat(both.code).isEqualTo(CliExitCodes.USAGE);
        assertThat(both.err).contains("--json and --quiet exclude each other");
        assertThat(missing.code).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(missing.err).contains("no run 424242");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(decisions.out).isArray()).as(decisions.out).isTrue();
        // the silenced console is the command's own: later application contexts of this JVM log again
        assertThat(System.getProperty("CONSOLE_LOG_THRESHOLD")).isNull();
        assertThat(System.getProperty("logging.threshold.console")).isNull();
    }

    @Test
    void tokensArePrintedOnceListedWithoutTheirSecretAndRevoked() {
        Result created = run("tokens", "create", "--name", "ci-bot", "--role", "operator");
        Result duplicate = run("tokens", "create", "--name", "ci-bot", "--role", "viewer");
        Result badRole = run("tokens", "create", "--name", "x", "--role", "root");
        Result list = run("tokens", "list");
        Result revoked = run("tokens", "revoke", "ci-bot");
        Result again = run("tokens", "revoke", "ci-bot");
        Result after = run("tokens", "list");

        assertThat(created.code).as(created.err).isZero();
        java.util.regex.Matcher printed = java.util.regex.Pattern.compile("(?m)^(nst_[0-9a-f]{12}_[A-Za-z0-9_-]{43})$").matcher(created.out);
        assertThat(printed.find()).as(created.out).isTrue();
        String token = printed.group(1);
        assertThat(created.err).contains("shown only this once");
        assertThat(duplicate.code).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(duplicate.err).contains("an active token named 'ci-bot' exists");
        assertThat(badRole.code).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(badRole.err).contains("unknown role 'root'; expected one of: viewer, operator, admin");
        assertThat(list.out).contains("ci-bot").contains("operator").contains(token.substring(0, 16))
                .doesNotContain(token.substring(17)).contains("cli:" + System.getProperty("user.name"));
        assertThat(revoked.code).isZero();
        assertThat(again.code).isEqualTo(CliExitCodes.INVALID_INPUT);
        assertThat(again.err).contains("no active token named 'ci-bot'");
        assertThat(after.out).contains("cli:" + System.getProperty("user.name"));
        for (Result r : java.util.List.of(list, revoked, again, after)) {
            assertThat(r.out + r.err).doesNotContain(token.substring(17));
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = NightshiftCommand.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
