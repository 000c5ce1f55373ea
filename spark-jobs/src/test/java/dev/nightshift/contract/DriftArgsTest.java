package dev.nightshift.contract;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriftArgsTest {

    @Test
    void rendersAndParsesTheSameArguments() {
        DriftArgs args = new DriftArgs("churn", 3, LocalDate.of(2026, 10, 20), 17, "file:///w", 42);

        assertThat(args.toArgs()).containsExactly("--pipeline=churn", "--spec-version=3", "--business-date=2026-10-20",
                "--model-version-id=17", "--warehouse=file:///w", "--run-id=42");
        assertThat(DriftArgs.parse(args.toArgs().toArray(String[]::new))).isEqualTo(args);
        assertThat(DriftArgs.JOB_CLASS).isEqualTo(dev.nightshift.drift.DriftJob.class.getName());
    }

    @Test
    void aMissingArgumentIsNamed() {
        assertThatThrownBy(() -> DriftArgs.parse(new String[] {"--pipeline=churn"}))
                .hasMessage("DriftJob: missing required argument --spec-version");
    }
}
