package dev.nightshift.pipelines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.contract.PipelineSpec;
import dev.nightshift.contract.SpecCodec;
import org.junit.jupiter.api.Test;

/** The spec's privacy fields: {@code privacy.pseudonymizeIds} and what a {@code pii: true} column may not be. */
class PrivacySpecTest {
    private final SpecParser parser = new SpecParser();

    private static final String SPEC = """
            name: churn
            task: binary-classification
            input: { path: "{warehouse}/input/churn", dateColumn: event_date, idColumn: customer_id }
            groundTruth: { path: "{warehouse}/labels/churn", idColumn: customer_id, dateColumn: event_date, labelColumn: churned }
            features:
              - { name: tenure_months, type: numeric, min: 0 }
              - { name: plan, type: categorical }
              - { name: postcode, type: categorical, pii: true }
            model: { algorithm: gbt-classifier }
            """;

    @Test
    void pseudonymizeIdsIsOffByDefaultAndRoundTrips() {
        PipelineSpec plain = parser.parse("churn.yml", SPEC);
        PipelineSpec pseudonymized = parser.parse("churn.yml", SPEC + "privacy: { pseudonymizeIds: true }\n");

        assertThat(plain.privacyOrDefaults().pseudonymizeIds()).isFalse();
        assertThat(pseudonymized.privacy().pseudonymizeIds()).isTrue();
        assertThat(SpecCodec.fromJson(SpecCodec.toJson(pseudonymized))).isEqualTo(pseudonymized);
    }

    @Test
    void refusesAnUnknownPrivacyKey() {
        assertThatThrownBy(() -> parser.parse("churn.yml", SPEC + "privacy: { hashIds: true }\n"))
                .isInstanceOf(SpecException.class).hasMessageContaining("field 'privacy.hashIds'").hasMessageContaining("pseudonymizeIds");
    }

    @Test
    void aPiiColumnCanBeNeitherASegmentNorADriftColumnNorTheId() {
        assertThatThrownBy(() -> parser.parse("churn.yml", SPEC + "monitoring: { segments: [plan, postcode] }\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("field 'monitoring.segments': 'postcode' is pii: true");
        assertThatThrownBy(() -> parser.parse("churn.yml", SPEC + "monitoring: { drift: { columns: { postcode: { method: psi } } } }\n"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("field 'monitoring.drift.columns.postcode': the feature is pii: true");
        assertThatThrownBy(() -> parser.parse("churn.yml", SPEC.replace("- { name: plan, type: categorical }",
                        "- { name: plan, type: categorical }\n  - { name: customer_id, type: string, pii: true }")))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("'customer_id' is input.idColumn and pii: true");
    }
}
