package dev.nightshift.privacy;

import org.apache.parquet.crypto.KeyAccessDeniedException;
import org.apache.parquet.crypto.keytools.LocalWrapKmsClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A Parquet modular-encryption key provider ({@code parquet.encryption.kms.client.class}) whose master keys come from
 * a local file: one {@code keyId: base64 key} per line (16, 24 or 32 bytes; {@code #} starts a comment). The file is
 * named by the Hadoop property {@value #KEYS_FILE_PROPERTY} or else the environment variable {@value #KEYS_FILE_ENV}.
 * Data keys are wrapped locally with the master key ({@link LocalWrapKmsClient}). For tests and single-host setups; a
 * real KMS plugs in as another {@code KmsClient} class.
 */
public class FileKeyProvider extends LocalWrapKmsClient {
    public static final String KEYS_FILE_PROPERTY = "nightshift.parquet.keys-file";
    public static final String KEYS_FILE_ENV = "NIGHTSHIFT_PARQUET_KEYS_FILE";

    private final Map<String, byte[]> keys = new HashMap<>();
    private String source;

    @Override
    protected void initializeInternal() throws KeyAccessDeniedException {
        String file = hadoopConfiguration == null ? null : hadoopConfiguration.getTrimmed(KEYS_FILE_PROPERTY);
        if (file == null || file.isEmpty()) {
            file = System.getenv(KEYS_FILE_ENV);
        }
        if (file == null || file.isBlank()) {
            throw new KeyAccessDeniedException("Parquet encryption keys: no key file; expected the Hadoop property "
                    + KEYS_FILE_PROPERTY + " or the environment variable " + KEYS_FILE_ENV);
        }
        source = file;
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                lineNo++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int colon = l.indexOf(':');
                if (colon <= 0) {
                    throw new KeyAccessDeniedException(file + " line " + lineNo + ": expected 'keyId: base64 key'");
                }
                byte[] key;
                try {
                    key = Base64.getDecoder().decode(l.substring(colon + 1).strip());
                } catch (IllegalArgumentException e) {
                    throw new KeyAccessDeniedException(file + " line " + lineNo + ": the key is not base64");
                }
                if (key.length != 16 && key.length != 24 && key.length != 32) {
                    throw new KeyAccessDeniedException(file + " line " + lineNo + ": key has " + key.length
                            + " bytes; expected 16, 24 or 32");
                }
                keys.put(l.substring(0, colon).strip(), key);
            }
        } catch (IOException e) {
            throw new KeyAccessDeniedException("Parquet encryption key file " + file + " cannot be read: " + e, e);
        }
    }

    @Override
    protected byte[] getMasterKeyFromServer(String masterKeyIdentifier) throws KeyAccessDeniedException {
        byte[] key = keys.get(masterKeyIdentifier);
        if (key == null) {
            throw new KeyAccessDeniedException("Parquet encryption key '" + masterKeyIdentifier + "' is not in " + source);
        }
        return key;
    }
}
