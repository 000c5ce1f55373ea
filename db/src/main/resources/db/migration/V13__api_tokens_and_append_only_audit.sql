-- API tokens of the HTTP side (`nightshift serve`). Only a SHA-256 of each token is stored: the token itself is
-- shown once, when it is created. `prefix` is the token's public first part, used to find the row before the hashes
-- are compared in constant time; it identifies a token in lists without revealing it.
CREATE TABLE api_tokens (
    id           bigserial   NOT NULL,
    name         text        NOT NULL,
    role         text        NOT NULL,
    prefix       text        NOT NULL,
    token_sha256 bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text        NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   text,
    CONSTRAINT pk_api_tokens PRIMARY KEY (id),
    CONSTRAINT ux_api_tokens_prefix UNIQUE (prefix),
    CONSTRAINT ck_api_tokens_role CHECK (role IN ('viewer', 'operator', 'admin')),
    CONSTRAINT ck_api_tokens_name CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    CONSTRAINT ck_api_tokens_sha256 CHECK (octet_length(token_sha256) = 32),
    CONSTRAINT ck_api_tokens_revoked CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
-- A name names one active token; revoked ones stay for the record.
CREATE UNIQUE INDEX ux_api_tokens_active_name ON api_tokens (name) WHERE revoked_at IS NULL;
COMMENT ON TABLE api_tokens IS 'HTTP API tokens: name, role (viewer/operator/admin), SHA-256 of the token (never the token), created, last used, revoked.';

-- The audit log is append-only: no role may change or remove a row (the application role also lacks the
-- privileges, V14). Only the table's owner can disable the trigger, which is itself visible in the catalog.
CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER tr_audit_log_append_only_rows BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER tr_audit_log_append_only_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
COMMENT ON TABLE audit_log IS 'Who changed what and when (append-only): spec applies, alias moves, manual runs, token changes.';
