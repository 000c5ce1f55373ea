package dev.nightshift.contract;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class GenerateDataArgsTest {

    @Test
    void badRowsOnIsParsedRenderedAndOptional() {
        GenerateDataArgs args = GenerateDataArgs.parse(new String[] {"--dataset=churn", "--output=file:///w",
                "--from=2026-10-01", "--to=2026-10-20", "--bad-rows-on=2026-10-20"});

        assertThat(args.badRowsOn()).isEqualTo(LocalDate.of(2026, 10, 20));
        assertThat(args.toArgs()).contains("--bad-rows-on=2026-10-20");
        assertThat(GenerateDataArgs.parse(args.toArgs().toArray(String[]::new))).isEqualTo(args);

        GenerateDataArgs clean = GenerateDataArgs.parse(new String[] {"--dataset=churn", "--output=file:///w",
                "--from=2026-10-01", "--to=2026-10-20"});
        assertThat(clean.badRowsOn()).isNull();
        assertThat(clean.toArgs()).noneMatch(a -> a.startsWith("--bad-rows-on"));
        assertThat(clean).isEqualTo(new GenerateDataArgs("churn", "file:///w", LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 20),
                5000, 7, null, 0.0, 0.0, 7));
    }
}
