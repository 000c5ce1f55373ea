package dev.nightshift.alerts;

import dev.nightshift.config.NightshiftProperties;
import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The alert service with the webhook of {@code nightshift.alerts.*}, or the log only when no webhook is set. */
@Configuration(proxyBeanMethods = false)
public class AlertsConfiguration {

    @Bean
    AlertService alertService(AlertRepository alerts, NightshiftProperties props) {
        NightshiftProperties.Alerts config = props.alerts();
        WebhookChannel webhook = config.webhook()
                ? new WebhookChannel(URI.create(config.webhookUrl().strip()), config.timeout(), config.retries(), config.retryBackoff())
                : null;
        return new AlertService(alerts, webhook);
    }
}
