package dev.nightshift.cli;

import dev.nightshift.NightshiftApplication;
import dev.nightshift.pipelines.SpecException;
import dev.nightshift.pipelines.UnknownPipelineException;
import dev.nightshift.runs.RunRefusedException;
import java.io.PrintWriter;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nightshift}: the root command. */
@Command(name = "nightshift", mixinStandardHelpOptions = true, versionProvider = NightshiftCommand.Version.class,
        description = "Batch scoring and retraining orchestrator: nightly Spark jobs, results in PostgreSQL.",
        subcommands = {PipelinesCommand.class, RunCommand.class, BackfillCommand.class, RunsCommand.class, ModelsCommand.class,
                DecisionsCommand.class, RetrainCommand.class, AlertsCommand.class, ForgetCommand.class,
                ScheduleCommand.class, TokensCommand.class, DemoCommand.class, ServeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 failed, 2 usage error, 3 invalid input, 4 run refused.",
                "Output: --json (JSON on stdout) or --quiet (identifiers only) on list, run and backfill commands; progress and errors go to stderr.",
                "Database: embedded under .nightshift/ unless NIGHTSHIFT_DB_URL, NIGHTSHIFT_DB_USER, NIGHTSHIFT_DB_PASSWORD are set."})
public class NightshiftCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The system property Spring Boot's logging derives from {@code logging.threshold.console}. */
    static final String SPRING_CONSOLE_THRESHOLD = "CONSOLE_LOG_THRESHOLD";

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new NightshiftCommand());
        cli.setExecutionExceptionHandler(NightshiftCommand::handle);
        // Spring Boot copies the console threshold into this system property for Logback, and never overwrites it once
        // set: left behind, --json or --quiet would silence the console of every later context in this JVM (in-process
        // callers such as the tests).
        String logbackThreshold = System.getProperty(SPRING_CONSOLE_THRESHOLD);
        try {
            return cli.execute(args);
        } finally {
            System.clearProperty(Output.CONSOLE_THRESHOLD);
            if (logbackThreshold == null) {
                System.clearProperty(SPRING_CONSOLE_THRESHOLD);
            } else {
                System.setProperty(SPRING_CONSOLE_THRESHOLD, logbackThreshold);
            }
        }
    }

    /** Starts the Spring context a command needs; the caller closes it. */
    static ConfigurableApplicationContext context(WebApplicationType web) {
        return context(web, java.util.Map.of());
    }

    /** The application context with extra properties that take precedence over the configuration files. */
    static ConfigurableApplicationContext context(WebApplicationType web, java.util.Map<String, Object> overrides) {
        return new SpringApplicationBuilder(NightshiftApplication.class)
                .web(web)
                .logStartupInfo(false)
                .properties(overrides)
                .run();
    }

    private static int handle(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        if (e instanceof CommandLine.ParameterException usage) {
            // thrown by a command's own option checks (e.g. --json with --quiet): a usage error like picocli's own
            err.println("error: " + usage.getMessage());
            err.flush();
            return CliExitCodes.USAGE;
        }
        Throwable root = rootCause(e);
        err.println("error: " + (root.getMessage() == null ? root.getClass().getName() : root.getMessage()));
        err.flush();
        if (root instanceof SpecException || root instanceof UnknownPipelineException
                || root instanceof java.time.format.DateTimeParseException
                || root instanceof IllegalArgumentException) {
            return CliExitCodes.INVALID_INPUT;
        }
        if (root instanceof RunRefusedException) {
            return CliExitCodes.REFUSED;
        }
        return CliExitCodes.FAILED;
    }

    /** The most specific exception that carries a message of its own (Spring wraps start-up failures). */
    static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t
                && (t instanceof org.springframework.beans.BeansException || t instanceof org.springframework.boot.context.properties.bind.BindException
                || t.getClass().getName().startsWith("org.springframework.") || t instanceof java.lang.reflect.InvocationTargetException)) {
            t = t.getCause();
        }
        return t;
    }

    /** Prints the version from the jar manifest. */
    public static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NightshiftCommand.class.getPackage().getImplementationVersion();
            return new String[] {"nightshift " + (v == null ? "dev" : v)};
        }
    }
}
