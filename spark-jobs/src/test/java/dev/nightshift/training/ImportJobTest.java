package dev.nightshift.training;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImportJobTest {

    @Test
    void findsTheSparkFlavorsModelDataInAnMlflowModelFile() {
        String mlmodel = """
                artifact_path: model
                flavors:
                  python_function:
                    data: sparkml
                    loader_module: mlflow.spark
                  spark:
                    model_data: "spark-model"
                    pyspark_version: 4.0.1
                mlflow_version: 2.9.2
                model_uuid: 1f2e
                """;
        assertThat(ImportJob.mlflowSparkModelData(mlmodel, "m/MLmodel")).isEqualTo("spark-model");
        // without model_data, MLflow's default folder
        assertThat(ImportJob.mlflowSparkModelData("flavors:\n  spark:\n    pyspark_version: 4.0.1\n", "m/MLmodel")).isEqualTo("sparkml");
    }

    @Test
    void anMlflowModelOfAnotherFlavorIsRefusedNamingItsFlavors() {
        String sklearn = """
                flavors:
                  python_function:
                    loader_module: mlflow.sklearn
                  sklearn:
                    pickled_model: model.pkl
                """;
        assertThatThrownBy(() -> ImportJob.mlflowSparkModelData(sklearn, "m/MLmodel"))
                .hasMessage("m/MLmodel has no spark flavor (flavors: python_function, sklearn); only Spark MLlib models can be imported");
        // a key named spark below another flavor is not the spark flavor
        assertThatThrownBy(() -> ImportJob.mlflowSparkModelData("flavors:\n  python_function:\n    spark: yes\n", "m/MLmodel"))
                .hasMessageContaining("(flavors: python_function)");
    }
}
