package dev.nightshift.alerts;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises alerts: records each condition (grouping consecutive nights into one alert) and delivers only new alerts, to
 * the log always and to the webhook when one is configured. A webhook that fails or hangs never fails the caller:
 * the alert row records {@code failed}, the attempts and the last error, and the log says which alert it was.
 */
public class AlertService {
    private static final Logger log = LoggerFactory.getLogger(AlertService.class);

    private final AlertRepository alerts;
    private final WebhookChannel webhook;

    /** {@code webhook} may be null: alerts then go to the log only and are recorded as {@code logged}. */
    public AlertService(AlertRepository alerts, WebhookChannel webhook) {
        this.alerts = alerts;
        this.webhook = webhook;
    }

    /** Records and, when new, delivers each condition; returns what happened to each, in order. */
    public List<AlertRepository.Recorded> raise(List<Condition> conditions) {
        List<AlertRepository.Recorded> results = new ArrayList<>();
        for (Condition condition : conditions) {
            AlertRepository.Recorded recorded = alerts.record(condition);
            switch (recorded.outcome()) {
                case NEW -> results.add(new AlertRepository.Recorded(deliver(recorded.alert()), recorded.outcome()));
                case GROUPED -> {
                    log.info("alert {} continues ({} nights, {} to {}): {}", recorded.alert().id(), recorded.alert().occurrences(),
                            recorded.alert().firstSeen(), recorded.alert().lastSeen(), SlackMessage.text(recorded.alert()));
                    results.add(recorded);
                }
                case ALREADY_COUNTED -> results.add(recorded);
            }
        }
        return results;
    }

    private Alert deliver(Alert alert) {
        String line = "alert " + alert.id() + " " + SlackMessage.text(alert);
        if (alert.severity().equals(Severity.INFO.dbValue())) {
            log.info(line);
        } else {
            log.warn(line);
        }
        if (webhook == null) {
            alerts.markDelivery(alert.id(), "logged", 0, null);
        } else {
            WebhookChannel.Delivery delivery = webhook.post(SlackMessage.payload(alert));
            if (delivery.accepted()) {
                alerts.markDelivery(alert.id(), "sent", delivery.attempts(), null);
            } else {
                log.warn("alert {} could not be delivered to the webhook {} after {} attempt(s): {}", alert.id(), webhook.target(),
                        delivery.attempts(), delivery.lastError());
                alerts.markDelivery(alert.id(), "failed", delivery.attempts(), delivery.lastError());
            }
        }
        return alerts.find(alert.id()).orElseThrow();
    }
}
