package dev.nightshift.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nightshift.IntegrationTest;
import dev.nightshift.runs.RunRecord;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The demo, shortened: what `scripts/demo` does, checked row by row in PostgreSQL. */
class DemoIT extends IntegrationTest {
    @Autowired DemoService demo;
    @Autowired JdbcClient jdbc;

    @Test
    void everyNightCompletesWithOnePredictionPerValidEntityAndTheBadRowsQuarantined() {
        List<String> progress = new ArrayList<>();
        LocalDate start = LocalDate.of(2026, 11, 1);

        List<RunRecord> runs = demo.run(new DemoService.Options(start, 2, 150, Path.of("../config/pipelines"), start.plusDays(1)), progress::add);

        assertThat(runs).hasSize(2).allSatisfy(r -> assertThat(r.status()).as(r.error()).isEqualTo("COMPLETED"));
        assertThat(runs).extracting(RunRecord::businessDate).containsExactly(start, start.plusDays(1));
        assertThat(runs).extracting(RunRecord::modelVersion).containsOnly(1);
        assertThat(progress).anyMatch(l -> l.startsWith("generating churn")).anyMatch(l -> l.contains("night 2/2"));
        List<long[]> perDate = jdbc.sql("""
                        SELECT count(*), count(DISTINCT entity_id) FROM predictions
                        WHERE pipeline = 'churn' GROUP BY business_date ORDER BY business_date""")
                .query((rs, i) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
        // night 2 has 151 input rows, 6 of them bad (entities 1-4, both rows of entity 5): quarantined, the other 145 scored
        assertThat(perDate).hasSize(2);
        assertThat(perDate.get(0)).containsExactly(150, 150);
        assertThat(perDate.get(1)).containsExactly(145, 145);
        assertThat(demo.story(runs)).extracting(DemoService.StoryRow::quarantined).containsExactly(0L, 6L);
        assertThat(jdbc.sql("SELECT name FROM pipelines ORDER BY name").query(String.class).list()).contains("churn", "demand");
        // the example spec monitors churn: no label is known yet (lag 2), so nothing is evaluated or decided, drift is measured
        assertThat(demo.story(runs)).extracting(DemoService.StoryRow::decision).containsOnly("no_decision");
        assertThat(demo.story(runs)).extracting(DemoService.StoryRow::auc).containsOnlyNulls();
        assertThat(jdbc.sql("SELECT count(DISTINCT business_date) FROM feature_drift WHERE pipeline = 'churn'").query(Long.class).single())
                .isEqualTo(2);
    }
}
