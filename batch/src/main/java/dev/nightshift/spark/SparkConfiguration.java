package dev.nightshift.spark;

import dev.nightshift.config.NightshiftHome;
import dev.nightshift.config.NightshiftProperties;
import dev.nightshift.database.DatabaseEndpoint;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the Spark submitter from configuration. */
@Configuration(proxyBeanMethods = false)
public class SparkConfiguration {

    @Bean
    @org.springframework.context.annotation.Primary
    SparkSubmitter sparkSubmitter(LocalSparkSubmitter local, NightshiftProperties props) {
        return new RetryingSparkSubmitter(local, props.spark().retries(), props.spark().retryBackoff());
    }

    @Bean
    LocalSparkSubmitter localSparkSubmitter(NightshiftProperties props, DatabaseEndpoint database) {
        NightshiftProperties.Spark spark = props.spark();
        Path install = NightshiftHome.installDir();
        Path jar = spark.jobsJar() == null ? install.resolve("spark-jobs/target/nightshift-spark-jobs.jar") : Path.of(spark.jobsJar());
        Path lib = spark.libDir() == null ? install.resolve("spark-jobs/target/spark-lib") : Path.of(spark.libDir());
        if (!spark.master().startsWith("local")) {
            throw new IllegalStateException("nightshift.spark.master=" + spark.master()
                    + ": only local masters (local, local[N], local[*]) are supported so far");
        }
        String version = LocalSparkSubmitter.class.getPackage().getImplementationVersion();
        return new LocalSparkSubmitter(new SparkClasspath(jar.toAbsolutePath(), lib.toAbsolutePath()), spark.master(),
                spark.driverMemory(), spark.javaOptions(), spark.conf(), database, version == null ? "dev" : version);
    }
}
