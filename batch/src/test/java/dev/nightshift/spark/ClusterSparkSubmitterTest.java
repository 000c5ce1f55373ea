package dev.nightshift.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.database.DatabaseEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the cluster submitter hands to spark-submit: conf in precedence order, the jars the jobs need, no secrets. */
class ClusterSparkSubmitterTest {

    @TempDir
    Path dir;

    private NightshiftProperties.Spark settings(String master, String deployMode, Map<String, String> conf,
                                                Map<String, NightshiftProperties.PipelineSpark> pipelines) {
        return new NightshiftProperties.Spark(master, null, null, "1g", List.of("-XX:+UseSerialGC"), Duration.ofMinutes(5), conf, 1,
                Duration.ofSeconds(1), deployMode, null, "3g", 2, 8, List.of("/opt/extra.jar"), pipelines, null, null);
    }

    private ClusterSparkSubmitter submitter(NightshiftProperties.Spark settings) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        for (String jar : new String[] {"delta-spark_2.13-4.4.0.jar", "delta-storage-4.4.0.jar", "postgresql-42.7.11.jar",
                "spark-core_2.13-4.2.0.jar", "unitycatalog-client-0.6.0.jar", "jackson-databind-2.18.jar"}) {
            if (!Files.exists(lib.resolve(jar))) {
                Files.createFile(lib.resolve(jar));
            }
        }
        return new ClusterSparkSubmitter(new SparkClasspath(dir.resolve("jobs.jar"), lib), dir.resolve("spark-home"), settings,
                new DatabaseEndpoint("jdbc:postgresql://db:5432/ns", "nightshift", "s3cret", false), "1.0");
    }

    @Test
    void confIsNightshiftsDefaultsThenTheGlobalConfThenThePipelines() throws IOException {
        ClusterSparkSubmitter s = submitter(settings("spark://127.0.0.1:7077", "client",
                Map.of("spark.sql.shuffle.partitions", "64", "spark.ui.enabled", "true"),
                Map.of("churn", new NightshiftProperties.PipelineSpark(Map.of("spark.sql.shuffle.partitions", "400"), List.of("/opt/churn.jar")))));
        SparkApplication churn = new SparkApplication("night-churn", "dev.nightshift.scoring.NightJob", List.of("--pipeline=churn"),
                Duration.ofMinutes(1), "churn");
        SparkApplication other = new SparkApplication("night-other", "dev.nightshift.scoring.NightJob", List.of(), Duration.ofMinutes(1), "other");

        Map<String, String> conf = s.conf(churn);
        assertThat(conf).containsEntry("spark.driver.memory", "1g").containsEntry("spark.executor.memory", "3g")
                .containsEntry("spark.executor.cores", "2").containsEntry("spark.cores.max", "8")
                .containsEntry("spark.ui.enabled", "true").containsEntry("spark.sql.shuffle.partitions", "400");
        assertThat(conf.get("spark.driver.extraJavaOptions")).contains("nightshift-spark-log4j2.properties", "-XX:+UseSerialGC");
        assertThat(s.conf(other)).containsEntry("spark.sql.shuffle.partitions", "64").doesNotContainKey("spark.standalone.submit.waitAppCompletion");
        assertThat(conf.values()).noneMatch(v -> v.contains("s3cret"));

        assertThat(s.jars(churn)).extracting(j -> Path.of(j).getFileName().toString()).containsExactly(
                "delta-spark_2.13-4.4.0.jar", "delta-storage-4.4.0.jar", "postgresql-42.7.11.jar", "unitycatalog-client-0.6.0.jar",
                "extra.jar", "churn.jar");
        assertThat(s.jars(other)).hasSize(5);
    }

    @Test
    void clusterModeWaitsForTheDriverAndBadSettingsAreRefused() throws IOException {
        assertThat(submitter(settings("spark://m:7077", "cluster", Map.of(), Map.of()))
                .conf(new SparkApplication("x", "X", List.of(), Duration.ofMinutes(1))))
                .containsEntry("spark.standalone.submit.waitAppCompletion", "true");
        assertThatThrownBy(() -> submitter(settings("spark://m:7077", "sideways", Map.of(), Map.of())))
                .hasMessageContaining("deploy-mode=sideways; expected client or cluster");
        assertThatThrownBy(() -> submitter(settings("local[2]", "client", Map.of(), Map.of())))
                .hasMessageContaining("is local");
    }

    @Test
    void aMissingSparkHomeFailsTheSubmissionNamingHowToBuildIt() throws IOException {
        ClusterSparkSubmitter s = submitter(settings("spark://127.0.0.1:7077", "client", Map.of(), Map.of()));
        Files.createFile(dir.resolve("jobs.jar"));
        assertThatThrownBy(() -> s.submit(new SparkApplication("x", "X", List.of(), Duration.ofMinutes(1))))
                .hasMessageContaining("no Spark home at " + dir.resolve("spark-home"))
                .hasMessageContaining("mvn -q -DskipTests package");
    }
}
