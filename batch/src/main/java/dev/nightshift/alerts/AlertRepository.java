package dev.nightshift.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.jdbc.support.KeyHolder;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Reads and writes the alerts table, and decides whether a condition opens, extends or repeats an episode. */
@Repository
public class AlertRepository {
    static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcClient jdbc;

    public AlertRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** What recording a condition did to the alerts table. */
    public enum Outcome {
        /** A new episode: the alert is to be delivered. */
        NEW,
        /** The condition held on the night next to an episode, which now covers this night too; not delivered again. */
        GROUPED,
        /** This night was already counted in the episode (a re-run of the date); nothing is counted twice. */
        ALREADY_COUNTED
    }

    public record Recorded(Alert alert, Outcome outcome) {
    }

    /**
     * Records that {@code condition} held on its business date. Serialized per (pipeline, kind, group key) by a
     * transaction-scoped advisory lock, so parallel backfill nights of the same condition cannot open two episodes.
     */
    @Transactional
    public Recorded record(Condition condition) {
        String kind = condition.kind().dbValue();
        LocalDate date = condition.businessDate();
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))")
                .param("nightshift.alerts|" + condition.pipeline() + "|" + kind + "|" + condition.groupKey())
                .query((rs, i) -> 1).list();
        Optional<Alert> near = jdbc.sql("""
                        SELECT * FROM alerts
                        WHERE pipeline = ? AND kind = ? AND group_key = ? AND first_seen <= ? AND last_seen >= ?
                        ORDER BY (first_seen <= ? AND last_seen >= ?) DESC, last_seen
                        LIMIT 1""")
                .params(condition.pipeline(), kind, condition.groupKey(), date.plusDays(1), date.minusDays(1), date, date)
                .query(AlertRepository::map).optional();
        if (near.isPresent()) {
            Alert episode = near.get();
            if (!date.isBefore(episode.firstSeen()) && !date.isAfter(episode.lastSeen())) {
                if (date.equals(episode.lastSeen())) {
                    // A re-run of the episode's latest night: keep its newest evidence, count nothing.
                    jdbc.sql("UPDATE alerts SET run_id = ?, detail = ?::jsonb, updated_at = now() WHERE id = ?")
                            .params(condition.runId(), json(condition.detail()), episode.id()).update();
                }
                return new Recorded(find(episode.id()).orElseThrow(), Outcome.ALREADY_COUNTED);
            }
            if (date.equals(episode.lastSeen().plusDays(1))) {
                jdbc.sql("""
                                UPDATE alerts SET last_seen = ?, occurrences = occurrences + 1, run_id = ?, detail = ?::jsonb,
                                       updated_at = now()
                                WHERE id = ?""")
                        .params(date, condition.runId(), json(condition.detail()), episode.id()).update();
            } else {
                // A backfill of the night before the episode: it started a night earlier.
                jdbc.sql("UPDATE alerts SET first_seen = ?, occurrences = occurrences + 1, updated_at = now() WHERE id = ?")
                        .params(date, episode.id()).update();
            }
            return new Recorded(find(episode.id()).orElseThrow(), Outcome.GROUPED);
        }
        KeyHolder key = new GeneratedKeyHolder();
        jdbc.sql("""
                        INSERT INTO alerts (pipeline, business_date, run_id, kind, severity, group_key, title, detail, first_seen, last_seen)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)""")
                .params(condition.pipeline(), date, condition.runId(), kind, condition.severity().dbValue(), condition.groupKey(),
                        condition.title(), json(condition.detail()), date, date)
                .update(key, "id");
        return new Recorded(find(key.getKeyAs(Long.class)).orElseThrow(), Outcome.NEW);
    }

    /** Records how delivery of an alert ended: {@code sent}, {@code failed} or {@code logged}. */
    public void markDelivery(long id, String status, int attempts, String lastError) {
        jdbc.sql("""
                        UPDATE alerts SET delivery_status = ?, attempts = attempts + ?, last_error = ?,
                               sent_at = CASE WHEN ? = 'sent' THEN now() ELSE sent_at END, updated_at = now()
                        WHERE id = ?""")
                .params(status, attempts, lastError, status, id).update();
    }

    public Optional<Alert> find(long id) {
        return jdbc.sql("SELECT * FROM alerts WHERE id = ?").param(id).query(AlertRepository::map).optional();
    }

    /** Alerts, the most recently seen first. */
    public List<Alert> list(String pipeline, int offset, int limit) {
        if (pipeline == null) {
            return jdbc.sql("SELECT * FROM alerts ORDER BY last_seen DESC, id DESC OFFSET ? LIMIT ?").params(offset, limit)
                    .query(AlertRepository::map).list();
        }
        return jdbc.sql("SELECT * FROM alerts WHERE pipeline = ? ORDER BY last_seen DESC, id DESC OFFSET ? LIMIT ?")
                .params(pipeline, offset, limit).query(AlertRepository::map).list();
    }

    static String json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("alert detail is not serializable: " + value, e);
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert detail is not a JSON object: " + json, e);
        }
    }

    private static Alert map(ResultSet rs, int row) throws SQLException {
        return new Alert(rs.getLong("id"), rs.getString("pipeline"), rs.getObject("business_date", LocalDate.class),
                (Long) rs.getObject("run_id"), rs.getString("kind"), rs.getString("severity"), rs.getString("group_key"),
                rs.getString("title"), parse(rs.getString("detail")), rs.getObject("first_seen", LocalDate.class),
                rs.getObject("last_seen", LocalDate.class), rs.getInt("occurrences"), rs.getString("delivery_status"),
                rs.getInt("attempts"), rs.getString("last_error"), rs.getObject("created_at", OffsetDateTime.class),
                rs.getObject("sent_at", OffsetDateTime.class));
    }
}
