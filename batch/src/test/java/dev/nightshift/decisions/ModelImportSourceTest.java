package dev.nightshift.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelImportSourceTest {

    @Test
    void aLocalPathBecomesAnAbsoluteFileUriAndAUriIsKeptWithoutItsTrailingSlash() {
        String cwd = Path.of("").toAbsolutePath().toUri().toString();
        assertThat(ModelImportService.sourceUri("models/../notebook/churn-lr")).isEqualTo(cwd + "notebook/churn-lr");
        assertThat(ModelImportService.sourceUri("/srv/models/churn-lr/")).isEqualTo("file:///srv/models/churn-lr");
        assertThat(ModelImportService.sourceUri("s3a://team-bucket/mlflow/42/artifacts/model/")).isEqualTo("s3a://team-bucket/mlflow/42/artifacts/model");
        assertThat(ModelImportService.sourceUri("file:///srv/models/churn-lr")).isEqualTo("file:///srv/models/churn-lr");
    }
}
