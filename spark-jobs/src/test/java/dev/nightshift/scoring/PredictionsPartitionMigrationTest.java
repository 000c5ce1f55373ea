package dev.nightshift.scoring;

import dev.nightshift.spark.DbConfig;
import dev.nightshift.testing.DbRows;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** V19 moves the rows of the month-partitioned predictions table into one leaf per night, on a database of its own. */
class PredictionsPartitionMigrationTest {

    private static Flyway flyway(String url, MigrationVersion target) {
        return Flyway.configure().dataSource(url, "postgres", "postgres").schemas("nightshift").defaultSchema("nightshift")
                .locations("classpath:db/migration").target(target).load();
    }

    @Test
    void existingRowsMoveToOneLeafPerNightAndTheViewsFollow() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            DbConfig owner = new DbConfig(url, "postgres", "postgres");
            // given a database at V18 with predictions of two pipelines on three nights in two months
            flyway(url, MigrationVersion.fromVersion("18")).migrate();
            try (Connection c = owner.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO nightshift.pipelines (name, current_spec_version) VALUES ('a', 1), ('b-x', 1)");
                s.execute("INSERT INTO nightshift.pipeline_specs (pipeline, version, spec, source_yaml, sha256, applied_by)"
                        + " SELECT p, 1, '{}'::jsonb, 'n/a', 'n/a', 'test' FROM unnest(ARRAY['a', 'b-x']) p");
                s.execute("INSERT INTO nightshift.model_versions (pipeline, version, spec_version, task, algorithm, artifact_uri,"
                        + " artifact_sha256, params, seed, features, training_from, training_to, training_rows, holdout_from, holdout_to,"
                        + " holdout_rows, holdout_metrics, spark_version, java_version, nightshift_version) SELECT p, 1, 1, 'regression',"
                        + " 'linear-regression', 'file:///x', repeat('0', 64), '{}', 1, '[]', DATE '2026-01-01', DATE '2026-01-02', 1,"
                        + " DATE '2026-01-03', DATE '2026-01-03', 1, '{}', 'n/a', 'n/a', 'test' FROM unnest(ARRAY['a', 'b-x']) p");
                for (String d : new String[] {"2026-10-31", "2026-11-01"}) {
                    s.execute("SELECT nightshift.ensure_predictions_partition(DATE '" + d + "')");
                }
                s.execute("INSERT INTO nightshift.predictions SELECT p, d, 'e' || i, (SELECT id FROM nightshift.model_versions m"
                        + " WHERE m.pipeline = p), i / 10.0, i, 7, now() FROM unnest(ARRAY['a', 'b-x']) p,"
                        + " unnest(ARRAY[DATE '2026-10-31', DATE '2026-11-01']) d, generate_series(1, 5) i");
                s.execute("INSERT INTO nightshift.predictions SELECT 'a', DATE '2026-11-02', 'z', id, NULL, 1, 8, now()"
                        + " FROM nightshift.model_versions WHERE pipeline = 'a'");
            }

            // when V19 and later run
            flyway(url, MigrationVersion.LATEST).migrate();

            // then every row is still there, each night in its own leaf, and the analysts' view reads them
            assertThat(DbRows.row(owner, "SELECT count(*) AS n, count(score) AS scored FROM nightshift.predictions"))
                    .isEqualTo(Map.of("n", 21L, "scored", 20L));
            assertThat(DbRows.row(owner, "SELECT count(*) AS leaves, count(*) FILTER (WHERE c.relkind = 'r') AS tables"
                    + " FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid WHERE h.inhparent = 'nightshift.predictions'::regclass"))
                    .isEqualTo(Map.of("leaves", 5L, "tables", 5L));
            for (String[] night : new String[][] {{"a", "2026-10-31", "5"}, {"b-x", "2026-11-01", "5"}, {"a", "2026-11-02", "1"}}) {
                LocalDate d = LocalDate.parse(night[1]);
                assertThat(DbRows.row(owner, "SELECT count(*) AS n FROM nightshift." + DbRows.row(owner,
                        "SELECT nightshift.predictions_leaf_name(?, ?) AS leaf", night[0], d).get("leaf")).get("n"))
                        .as("rows in the leaf of %s %s", night[0], d).isEqualTo(Long.parseLong(night[2]));
            }
            // and (V20) the parent has no primary key; every leaf has its unique entity_id index instead
            assertThat(DbRows.row(owner, "SELECT count(*) AS n FROM pg_constraint WHERE conrelid = 'nightshift.predictions'::regclass"
                    + " AND contype = 'p'").get("n")).isEqualTo(0L);
            assertThat(DbRows.row(owner, "SELECT count(*) AS n FROM pg_inherits h JOIN pg_index i ON i.indrelid = h.inhrelid"
                    + " WHERE h.inhparent = 'nightshift.predictions'::regclass AND i.indisunique AND i.indisvalid"
                    + " AND pg_get_indexdef(i.indexrelid) LIKE '%(entity_id)'").get("n")).isEqualTo(5L);
            assertThat(DbRows.row(owner, "SELECT count(*) AS n FROM pg_class WHERE relname LIKE 'predictions_by_month%'"
                    + " OR relname LIKE 'predictions_y%' OR relname = 'predictions_default'").get("n")).isEqualTo(0L);
            assertThat(DbRows.row(owner, "SELECT obj_description('nightshift.predictions'::regclass) AS c").get("c").toString())
                    .contains("one partition per pipeline and business date");
            assertThat(DbRows.rowAsAnalyst(owner, "SELECT sum(rows) AS n FROM analytics.daily_predictions").get("n"))
                    .isEqualTo(new java.math.BigDecimal(21));
            assertThat(DbRows.row(new DbConfig(url, "nightshift_app", ""), "SELECT has_table_privilege('nightshift.predictions',"
                    + " 'SELECT') AS r, has_table_privilege('nightshift.predictions', 'DELETE') AS d,"
                    + " has_table_privilege('nightshift.predictions', 'TRUNCATE') AS t")
            ).as("the application role reads and deletes (forget), never truncates").isEqualTo(Map.of("r", true, "d", true, "t", false));
        }
    }
}
