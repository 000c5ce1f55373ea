package dev.nightshift.cli;

import dev.nightshift.privacy.ForgetService;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift forget PIPELINE --entity ID [--entity ID ...]}. */
@Command(name = "forget", mixinStandardHelpOptions = true,
        description = {"Erase entities from a pipeline's outputs: Delta predictions, shadow predictions and quarantine (all dates),",
                "then vacuum them (nightshift.privacy.forget-vacuum-retention-hours, default 0: no old file kept),",
                "and PostgreSQL predictions. Audited with the counts, never the ids. Refused while a run of the pipeline is active."})
public class ForgetCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PIPELINE")
    String pipeline;

    @Option(names = "--entity", required = true, paramLabel = "ID", description = "an entity id as the input has it (repeatable)")
    List<String> entities;

    @Override
    public Integer call() throws Exception {
        try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
            ForgetService.Erasure e = ctx.getBean(ForgetService.class).forget(pipeline, entities,
                    dev.nightshift.security.Actors.cli());
            System.out.println(pipeline + ": erasure " + e.id() + " forgot " + e.entities() + (e.entities() == 1 ? " entity" : " entities")
                    + ": " + e.postgresRows() + " PostgreSQL prediction rows, Delta rows " + e.deltaRows()
                    + "; old table files vacuumed (retention " + e.vacuumRetentionHours() + " h)");
        }
        return CliExitCodes.OK;
    }
}
