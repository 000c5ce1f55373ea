package dev.nightshift.security;

import dev.nightshift.audit.AuditLog;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * API tokens: created (the token is returned once and only its SHA-256 kept), listed, revoked, and checked on every
 * request. Every creation and revocation is in the audit log.
 */
@Service
public class ApiTokens {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final String COLUMNS = "id, name, role, prefix, created_at, created_by, last_used_at, revoked_at, revoked_by";

    private final JdbcClient jdbc;
    private final AuditLog audit;

    public ApiTokens(JdbcClient jdbc, AuditLog audit) {
        this.jdbc = jdbc;
        this.audit = audit;
    }

    /** A token just created: the only moment its secret exists outside the holder's hands. */
    public record Created(ApiToken token, String secret) {
        @Override
        public String toString() {
            return "Created[token=" + token + ", secret=" + TokenSecret.mask(secret) + "]";
        }
    }

    @Transactional
    public Created create(String name, Role role, String actor) {
        return register(name, role, TokenSecret.generate(), actor);
    }

    /** Registers a token whose secret was made elsewhere (the admin token file). */
    @Transactional
    public Created register(String name, Role role, String secret, String actor) {
        checkName(name);
        String prefix = TokenSecret.prefix(secret)
                .orElseThrow(() -> new IllegalArgumentException("not a Nightshift token (expected nst_<12 hex>_<43 base64url>)"));
        if (find(name).isPresent()) {
            throw new IllegalArgumentException("an active token named '" + name + "' exists; revoke it first");
        }
        long id = jdbc.sql("INSERT INTO api_tokens (name, role, prefix, token_sha256, created_by) VALUES (?, ?, ?, ?, ?) RETURNING id")
                .params(name, role.id(), prefix, TokenSecret.sha256(secret), actor)
                .query(Long.class).single();
        ApiToken token = byId(id);
        audit.record(actor, "token.create", "token:" + name, null, describe(token));
        return new Created(token, secret);
    }

    /** Revokes the active token of that name; it stops working on the next request. */
    @Transactional
    public ApiToken revoke(String name, String actor) {
        ApiToken before = find(name).orElseThrow(() -> new IllegalArgumentException("no active token named '" + name + "'"));
        jdbc.sql("UPDATE api_tokens SET revoked_at = now(), revoked_by = ? WHERE id = ?").params(actor, before.id()).update();
        ApiToken after = byId(before.id());
        audit.record(actor, "token.revoke", "token:" + name, describe(before), describe(after));
        return after;
    }

    /** Every token, active ones first, newest first. */
    public List<ApiToken> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC")
                .query(ApiTokens::row).list();
    }

    public Optional<ApiToken> find(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens WHERE name = ? AND revoked_at IS NULL")
                .params(name).query(ApiTokens::row).optional();
    }

    /** The active token a presented secret belongs to, or empty; a hit records when it was last used (at most once a minute). */
    public Optional<ApiToken> authenticate(String secret) {
        Optional<String> prefix = TokenSecret.prefix(secret);
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        Optional<Map<String, Object>> row = jdbc.sql("SELECT id, token_sha256 FROM api_tokens WHERE prefix = ? AND revoked_at IS NULL")
                .params(prefix.get()).query().listOfRows().stream().findFirst();
        if (row.isEmpty() || !TokenSecret.matches(secret, (byte[]) row.get().get("token_sha256"))) {
            return Optional.empty();
        }
        long id = ((Number) row.get().get("id")).longValue();
        jdbc.sql("UPDATE api_tokens SET last_used_at = now() WHERE id = ?"
                        + " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")
                .params(id).update();
        return Optional.of(byId(id));
    }

    public boolean isActive(long id) {
        return jdbc.sql("SELECT count(*) FROM api_tokens WHERE id = ? AND revoked_at IS NULL").params(id).query(Long.class).single() == 1;
    }

    /** Whether a secret is registered at all, active or revoked. */
    public Optional<ApiToken> findBySecret(String secret) {
        return TokenSecret.prefix(secret).flatMap(p -> jdbc.sql("SELECT id, token_sha256 FROM api_tokens WHERE prefix = ?")
                .params(p).query().listOfRows().stream()
                .filter(r -> TokenSecret.matches(secret, (byte[]) r.get("token_sha256")))
                .findFirst().map(r -> byId(((Number) r.get("id")).longValue())));
    }

    private ApiToken byId(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?").params(id).query(ApiTokens::row).single();
    }

    static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid token name '" + name
                    + "': expected 1-63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    private static Map<String, Object> describe(ApiToken t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("role", t.role().id());
        m.put("prefix", t.prefix());
        m.put("revoked", !t.active());
        return m;
    }

    private static ApiToken row(ResultSet rs, int n) throws SQLException {
        return new ApiToken(rs.getLong("id"), rs.getString("name"), Role.parse(rs.getString("role")), rs.getString("prefix"),
                instant(rs.getTimestamp("created_at")), rs.getString("created_by"), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")), rs.getString("revoked_by"));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
