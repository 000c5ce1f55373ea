package dev.nightshift.contract;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Keyed pseudonyms of entity ids: the lower-case hex of HMAC-SHA256(key, UTF-8 bytes of the id as a string). The same
 * key gives the same pseudonym everywhere, so outputs and labels pseudonymized separately still join; without the key
 * a pseudonym cannot be computed from a guessed id. Serializable so that Spark tasks carry the key inside the task, not
 * in any conf or environment of the executors.
 */
public final class Pseudonyms implements Serializable {
    /** Shorter keys are refused: a key is a secret, not a password someone types. */
    public static final int MIN_KEY_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";

    private final byte[] key;
    private transient Mac mac;

    private Pseudonyms(byte[] key) {
        this.key = key.clone();
    }

    /** From raw key bytes (at least {@link #MIN_KEY_BYTES}). */
    public static Pseudonyms withKey(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("pseudonymization key has " + (key == null ? 0 : key.length) + " bytes; expected at least "
                    + MIN_KEY_BYTES);
        }
        return new Pseudonyms(key);
    }

    /** The key named by the process environment; see {@link #fromEnvironment(Map, String)}. */
    public static Pseudonyms fromEnvironment(String pipeline) {
        return fromEnvironment(System.getenv(), pipeline);
    }

    /**
     * The key from {@link JobEnvironment#PSEUDONYM_KEY} (the key itself, UTF-8) or else {@link JobEnvironment#PSEUDONYM_KEY_FILE}
     * (a file whose content, without surrounding whitespace, is the key). Fails naming both variables, and the pipeline
     * whose spec asks for pseudonymization, when neither is set or the file cannot be read.
     */
    public static Pseudonyms fromEnvironment(Map<String, String> env, String pipeline) {
        String value = env.get(JobEnvironment.PSEUDONYM_KEY);
        if (value != null && !value.isBlank()) {
            return withKey(value.strip().getBytes(StandardCharsets.UTF_8), JobEnvironment.PSEUDONYM_KEY);
        }
        String file = env.get(JobEnvironment.PSEUDONYM_KEY_FILE);
        if (file != null && !file.isBlank()) {
            try {
                return withKey(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8),
                        JobEnvironment.PSEUDONYM_KEY_FILE + " (" + file + ")");
            } catch (IOException e) {
                throw new MissingKeyException("pipeline '" + pipeline + "': privacy.pseudonymizeIds is true but the key file "
                        + file + " named by " + JobEnvironment.PSEUDONYM_KEY_FILE + " cannot be read: " + e);
            }
        }
        throw new MissingKeyException("pipeline '" + pipeline + "': privacy.pseudonymizeIds is true but no pseudonymization key is set;"
                + " expected the environment variable " + JobEnvironment.PSEUDONYM_KEY + " (the key, at least " + MIN_KEY_BYTES
                + " bytes) or " + JobEnvironment.PSEUDONYM_KEY_FILE + " (a file holding it)");
    }

    private static Pseudonyms withKey(byte[] key, String source) {
        if (key.length < MIN_KEY_BYTES) {
            throw new MissingKeyException("pseudonymization key from " + source + " has " + key.length + " bytes; expected at least "
                    + MIN_KEY_BYTES);
        }
        return new Pseudonyms(key);
    }

    /** The pseudonym of {@code id}; null stays null. */
    public String of(String id) {
        if (id == null) {
            return null;
        }
        return HexFormat.of().formatHex(mac().doFinal(id.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac mac() {
        if (mac == null) {
            try {
                mac = Mac.getInstance(ALGORITHM);
                mac.init(new SecretKeySpec(key, ALGORITHM));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
            }
        }
        return mac;
    }

    @Override
    public String toString() {
        return "Pseudonyms[HMAC-SHA256, key hidden]";
    }

    /** Pseudonymization is asked for and no usable key is configured. */
    public static final class MissingKeyException extends IllegalStateException {
        public MissingKeyException(String message) {
            super(message);
        }
    }
}
