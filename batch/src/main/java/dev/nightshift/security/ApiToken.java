package dev.nightshift.security;

import java.time.Instant;

/** A registered API token as listed: never the token itself, only its public prefix. */
public record ApiToken(long id, String name, Role role, String prefix, Instant createdAt, String createdBy,
                       Instant lastUsedAt, Instant revokedAt, String revokedBy) implements java.io.Serializable {

    public boolean active() {
        return revokedAt == null;
    }

    /** The actor name of this token in the audit log. */
    public String actor() {
        return "token:" + name;
    }
}
