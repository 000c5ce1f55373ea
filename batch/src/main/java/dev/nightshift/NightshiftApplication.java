package dev.nightshift;

import dev.nightshift.cli.NightshiftCommand;
import dev.nightshift.config.NightshiftProperties;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The nightshift application: a command line whose commands start the Spring context they need. */
@SpringBootApplication
@EnableConfigurationProperties(NightshiftProperties.class)
public class NightshiftApplication {

    public static void main(String[] args) {
        System.exit(NightshiftCommand.execute(args));
    }
}
