package dev.nightshift.security;

import dev.nightshift.config.NightshiftProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Makes sure the admin token in {@code nightshift.security.admin-token-file} exists and is registered: a missing file
 * is created (mode 0600, owner only) with a new token named {@code admin}; a file whose token the database does not
 * know (a fresh database) is registered. A revoked one stays revoked: delete the file to get a new token. Only the
 * file's path is ever logged. Instances sharing a database do this one at a time (a transaction-scoped advisory lock):
 * two {@code serve} instances starting together on a fresh database would otherwise both register the file's token,
 * and the second would fail to start.
 */
public class AdminTokenBootstrap {
    private static final Logger log = LoggerFactory.getLogger(AdminTokenBootstrap.class);
    static final String NAME = "admin";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final ApiTokens tokens;
    private final Path file;
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public AdminTokenBootstrap(ApiTokens tokens, NightshiftProperties nightshift, SecurityProperties security, JdbcClient jdbc,
                               TransactionTemplate transactions) {
        this.tokens = tokens;
        this.file = security.adminTokenFile(nightshift.home()).toAbsolutePath().normalize();
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    public Path file() {
        return file;
    }

    public void ensure() {
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(hashtext(?))").param("nightshift.admin-token").query((rs, i) -> 1).list();
            ensureLocked();
        });
    }

    private void ensureLocked() {
        String actor = "bootstrap";
        if (!Files.exists(file)) {
            String secret = TokenSecret.generate();
            write(secret);
            tokens.find(NAME).ifPresent(old -> tokens.revoke(NAME, actor));
            tokens.register(NAME, Role.ADMIN, secret, actor);
            log.info("Created the admin API token in {} (readable by its owner only)", file);
            return;
        }
        String secret = read();
        Optional<ApiToken> known = tokens.findBySecret(secret);
        if (known.isEmpty()) {
            tokens.find(NAME).ifPresent(old -> tokens.revoke(NAME, actor));
            tokens.register(NAME, Role.ADMIN, secret, actor);
            log.info("Registered the admin API token of {}", file);
        } else if (!known.get().active()) {
            log.warn("The admin API token in {} is revoked and stays so; delete the file and restart for a new one", file);
        } else if (known.get().role() != Role.ADMIN) {
            throw new IllegalStateException("the token in " + file + " is registered as '" + known.get().name()
                    + "' with role " + known.get().role().id() + ", not as an admin token");
        }
    }

    private void write(String secret) {
        try {
            Files.createDirectories(file.getParent());
            Path created;
            try {
                created = Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (UnsupportedOperationException notPosix) {
                created = Files.createFile(file);
            }
            Files.writeString(created, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException("the admin token file " + file + " appeared while it was being created; start again", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the admin token file " + file + ": " + e.getMessage(), e);
        }
    }

    private String read() {
        try {
            String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (TokenSecret.prefix(secret).isEmpty()) {
                throw new IllegalStateException("the admin token file " + file
                        + " does not hold a Nightshift token (expected one line nst_<12 hex>_<43 base64url>); delete it to get a new one");
            }
            return secret;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the admin token file " + file + ": " + e.getMessage(), e);
        }
    }
}
