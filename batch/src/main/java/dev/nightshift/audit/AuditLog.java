package dev.nightshift.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Appends who changed what to the audit log, in the caller's transaction. */
@Component
public class AuditLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void record(String actor, String action, String target, Map<String, Object> before, Map<String, Object> after) {
        jdbc.sql("INSERT INTO audit_log (actor, action, target, before, after) VALUES (?, ?, ?, ?::jsonb, ?::jsonb)")
                .params(actor, action, target, json(before), json(after))
                .update();
    }

    private static String json(Map<String, Object> value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit payload is not serializable: " + value, e);
        }
    }
}
