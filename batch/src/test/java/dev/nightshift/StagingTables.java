package dev.nightshift;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The staging tables of a landing, as tests set them up and look for them. */
public final class StagingTables {

    private StagingTables() {
    }

    /**
     * The staging tables a night killed after its landing's COPY leaves behind (made by {@code create_predictions_stage}),
     * holding a row for each of {@code ids} and their COPY record; the staging table's qualified name.
     */
    public static String leftover(JdbcClient jdbc, String pipeline, LocalDate date, long run, String... ids) {
        String stage = jdbc.sql("SELECT create_predictions_stage(?, ?, ?, 1, now())").params(run, pipeline, date).query(String.class).single();
        for (String id : ids) {
            jdbc.sql("INSERT INTO " + stage + " (entity_id, score, prediction, spark_partition) VALUES (?, 0.5, 1, 0)").param(id).update();
        }
        jdbc.sql("INSERT INTO " + stage + "_copied (spark_partition, rows) VALUES (0, ?)").param(ids.length).update();
        assertThat(exists(jdbc, stage)).as(stage).isTrue();
        assertThat(exists(jdbc, stage + "_copied")).as(stage + "_copied").isTrue();
        return stage;
    }

    public static boolean exists(JdbcClient jdbc, String qualifiedTable) {
        return jdbc.sql("SELECT to_regclass(?) IS NOT NULL").param(qualifiedTable).query(Boolean.class).single();
    }
}
