package dev.nightshift.spark;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.database.DatabaseEndpoint;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chooses the Spark submitter from configuration: a local master runs each job in a child JVM; any other master
 * ({@code spark://}, {@code yarn}, {@code k8s://}) goes through {@code spark-submit} of a Spark home.
 */
@Configuration(proxyBeanMethods = false)
public class SparkConfiguration {

    @Bean
    @org.springframework.context.annotation.Primary
    SparkSubmitter sparkSubmitter(ManagedSparkSubmitter submitter, NightshiftProperties props) {
        return new RetryingSparkSubmitter(submitter, props.spark().retries(), props.spark().retryBackoff());
    }

    @Bean
    ManagedSparkSubmitter managedSparkSubmitter(NightshiftProperties props, DatabaseEndpoint database) {
        NightshiftProperties.Spark spark = props.spark();
        Path install = NightshiftHome.installDir();
        Path jar = spark.jobsJar() == null ? install.resolve("spark-jobs/target/nightshift-spark-jobs.jar") : Path.of(spark.jobsJar());
        Path lib = spark.libDir() == null ? install.resolve("spark-jobs/target/spark-lib") : Path.of(spark.libDir());
        SparkClasspath classpath = new SparkClasspath(jar.toAbsolutePath(), lib.toAbsolutePath());
        String version = LocalSparkSubmitter.class.getPackage().getImplementationVersion();
        if (spark.local()) {
            String sharing = spark.classDataSharing();
            Path cds = "off".equals(sharing) ? null
                    : sharing == null || sharing.isBlank() ? props.home().toAbsolutePath().normalize().resolve("cds") : Path.of(sharing).toAbsolutePath();
            Path scratch = SparkScratch.root(spark);
            LocalSparkSubmitter local = new LocalSparkSubmitter(classpath, spark.master(), spark.driverMemory(), spark.javaOptions(), spark.conf(),
                    database, version == null ? "dev" : version, cds, scratch);
            local.sweepScratch();
            return local;
        }
        Path home = spark.sparkHome() == null ? install.resolve("spark-jobs/target/spark-home") : Path.of(spark.sparkHome());
        ClusterSparkSubmitter cluster = new ClusterSparkSubmitter(classpath, home.toAbsolutePath(), spark, database, version == null ? "dev" : version);
        cluster.sweepScratch();
        return cluster;
    }
}
