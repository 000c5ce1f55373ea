package dev.nightshift.alerts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The payload of an alert for a Slack-compatible incoming webhook: {@code text} (all that Mattermost, Teams'
 * Slack-compatible connectors and Slack's notifications read) plus {@code blocks} for Slack's richer layout.
 */
final class SlackMessage {
    private SlackMessage() {
    }

    static String payload(Alert alert) {
        String headline = text(alert);
        String context = "pipeline *" + alert.pipeline() + "* · business date " + alert.businessDate()
                + (alert.runId() == null ? "" : " · run " + alert.runId()) + " · alert " + alert.id()
                + " · kind `" + alert.kind() + "`";
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("text", headline);
        message.put("blocks", List.of(
                Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", headline)),
                Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text", context)))));
        return AlertRepository.json(message);
    }

    /** One line, e.g. {@code [WARNING] churn 2026-01-05: drift in plan, tenure_months}. */
    static String text(Alert alert) {
        return "[" + alert.severity().toUpperCase(java.util.Locale.ROOT) + "] " + alert.pipeline() + " " + alert.businessDate()
                + ": " + alert.title();
    }
}
