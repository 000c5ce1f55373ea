package dev.nightshift.cli;

import dev.nightshift.security.Actors;
import dev.nightshift.security.ApiToken;
import dev.nightshift.security.ApiTokens;
import dev.nightshift.security.Role;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nightshift tokens create|list|revoke}: API tokens of the HTTP side; every change is audited. */
@Command(name = "tokens", mixinStandardHelpOptions = true, description = "Create, list and revoke HTTP API tokens.",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
public class TokensCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a token and print it once (only its SHA-256 is stored).",
                    "Roles: viewer (read), operator (+ run, backfill, retrain, pause, resume), admin (+ promote, rollback, apply specs, tokens)."})
    static class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "lower-case letters, digits, '.', '_', '-'")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator or admin")
        String role;

        @Override
        public Integer call() {
            Role parsed = Role.parse(role);
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ApiTokens.Created created = ctx.getBean(ApiTokens.class).create(name, parsed, Actors.cli());
                System.err.println("token '" + name + "' (" + parsed.id() + ") created; it is shown only this once:");
                System.out.println(created.secret());
            }
            return CliExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Tokens with role, prefix, created, last used and revoked (never the token).")
    static class ListTokens implements Callable<Integer> {
        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                TablePrinter t = new TablePrinter("name", "role", "prefix", "created (UTC)", "created by", "last used (UTC)", "revoked (UTC)", "revoked by");
                for (ApiToken k : ctx.getBean(ApiTokens.class).list()) {
                    t.row(k.name(), k.role().id(), "nst_" + k.prefix() + "_…", utc(k.createdAt()), k.createdBy(), utc(k.lastUsedAt()),
                            utc(k.revokedAt()), k.revokedBy());
                }
                t.print(System.out);
            }
            return CliExitCodes.OK;
        }

        private static Object utc(java.time.Instant at) {
            return at == null ? null : at.atOffset(ZoneOffset.UTC).toLocalDateTime().withNano(0);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke the active token of that name; it stops working at once.")
    static class Revoke implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (ConfigurableApplicationContext ctx = NightshiftCommand.context(WebApplicationType.NONE)) {
                ctx.getBean(ApiTokens.class).revoke(name, Actors.cli());
                System.out.println("token '" + name + "' revoked");
            }
            return CliExitCodes.OK;
        }
    }
}
