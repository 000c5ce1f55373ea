package dev.nightshift.contract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PseudonymsTest {

    @Test
    void isHmacSha256AsRfc4231TestCase6() {
        byte[] key = new byte[131];
        Arrays.fill(key, (byte) 0xaa);

        String pseudonym = Pseudonyms.withKey(key).of("Test Using Larger Than Block-Size Key - Hash Key First");

        assertThat(pseudonym).isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void theKeyComesFromTheVariableOrTheFileItNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "0123456789abcdef-from-file\n");

        Pseudonyms fromFile = Pseudonyms.fromEnvironment(Map.of(JobEnvironment.PSEUDONYM_KEY_FILE, file.toString()), "churn");
        Pseudonyms fromValue = Pseudonyms.fromEnvironment(Map.of(JobEnvironment.PSEUDONYM_KEY, "0123456789abcdef-from-file"), "churn");

        assertThat(fromFile.of("C0000001")).isEqualTo(fromValue.of("C0000001")).hasSize(64).isNotEqualTo(fromValue.of("C0000002"));
        assertThat(fromFile.toString()).doesNotContain("0123456789abcdef");
        assertThat(fromFile.of(null)).isNull();
    }

    @Test
    void aMissingShortOrUnreadableKeyIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> Pseudonyms.fromEnvironment(Map.of(), "churn"))
                .isInstanceOf(Pseudonyms.MissingKeyException.class)
                .hasMessageContaining("pipeline 'churn'").hasMessageContaining("privacy.pseudonymizeIds")
                .hasMessageContaining(JobEnvironment.PSEUDONYM_KEY).hasMessageContaining(JobEnvironment.PSEUDONYM_KEY_FILE);
        assertThatThrownBy(() -> Pseudonyms.fromEnvironment(Map.of(JobEnvironment.PSEUDONYM_KEY, "short"), "churn"))
                .isInstanceOf(Pseudonyms.MissingKeyException.class).hasMessageContaining("has 5 bytes; expected at least 16");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> Pseudonyms.fromEnvironment(Map.of(JobEnvironment.PSEUDONYM_KEY_FILE, missing.toString()), "churn"))
                .isInstanceOf(Pseudonyms.MissingKeyException.class).hasMessageContaining(missing.toString()).hasMessageContaining("cannot be read");
    }
}
