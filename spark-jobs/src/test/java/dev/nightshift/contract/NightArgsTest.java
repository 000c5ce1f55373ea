package dev.nightshift.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class NightArgsTest {

    @Test
    void rendersAndParsesTheSameArgumentsAndSplitsIntoThePartsArguments() {
        NightArgs args = new NightArgs("churn", 3, LocalDate.of(2026, 10, 20), 17, "file:///w", 42, true, false);

        assertThat(args.toArgs()).containsExactly("--pipeline=churn", "--spec-version=3", "--business-date=2026-10-20",
                "--model-version-id=17", "--warehouse=file:///w", "--run-id=42", "--evaluate=true", "--drift=false");
        assertThat(NightArgs.parse(args.toArgs().toArray(String[]::new))).isEqualTo(args);
        assertThat(NightArgs.JOB_CLASS).isEqualTo(dev.nightshift.scoring.NightJob.class.getName());
        assertThat(args.score()).isEqualTo(new ScoreArgs("churn", 3, LocalDate.of(2026, 10, 20), 17, "file:///w", 42));
        assertThat(args.driftArgs()).isEqualTo(new DriftArgs("churn", 3, LocalDate.of(2026, 10, 20), 17, "file:///w", 42));
        assertThat(args.evaluation()).isEqualTo(new EvaluateArgs("churn", 3, LocalDate.of(2026, 10, 20), "file:///w", 42));
    }

    @Test
    void aFlagThatIsNotTrueOrFalseIsRefused() {
        assertThatThrownBy(() -> NightArgs.parse(new String[] {"--pipeline=churn", "--spec-version=1", "--business-date=2026-10-20",
                "--model-version-id=1", "--warehouse=w", "--run-id=1", "--evaluate=yes"}))
                .hasMessage("NightJob: --evaluate must be true or false, got 'yes'");
    }
}
