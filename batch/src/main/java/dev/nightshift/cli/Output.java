package dev.nightshift.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Output modes of the commands scripts call: a readable table or text (default), {@code --json} (one JSON document on
 * stdout, nothing else there) or {@code --quiet} (only identifiers, one per line). Progress and errors go to stderr.
 */
public class Output {
    private static final tools.jackson.databind.ObjectMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--json", description = "print JSON on stdout (for scripts)")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "print only identifiers, one per line")
    boolean quiet;

    /** The system property that silences the console log while a script reads stdout (cleared by NightshiftCommand.execute). */
    static final String CONSOLE_THRESHOLD = "logging.threshold.console";

    /**
     * Refuses --json together with --quiet as a usage error (exit 2). With either, the console log (which shares stdout)
     * is switched off for the command's application context, so stdout holds only what the script asked for; errors
     * still reach stderr through the command and its exit code.
     */
    void check() {
        if (json && quiet) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--json and --quiet exclude each other");
        }
        if (json || quiet) {
            System.setProperty(CONSOLE_THRESHOLD, "OFF");
        }
    }

    boolean json() {
        check();
        return json;
    }

    boolean quiet() {
        check();
        return quiet;
    }

    /** Human output: neither --json nor --quiet. */
    boolean human() {
        return !json() && !quiet();
    }

    void printJson(Object value) {
        printJson(System.out, value);
    }

    static void printJson(PrintStream out, Object value) {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
        out.flush();
    }
}
