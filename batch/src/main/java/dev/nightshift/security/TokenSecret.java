package dev.nightshift.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The token format {@code nst_<prefix>_<secret>}: a 6-byte public prefix (hex) that finds the row, and 32 random bytes
 * (base64url) that make guessing hopeless, so a plain SHA-256 of the whole token is a safe thing to store.
 */
public final class TokenSecret {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("nst_([0-9a-f]{12})_([A-Za-z0-9_-]{43})");

    private TokenSecret() {
    }

    /** A new random token. */
    public static String generate() {
        byte[] prefix = new byte[6];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(prefix);
        RANDOM.nextBytes(secret);
        return "nst_" + HexFormat.of().formatHex(prefix) + "_"
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The public prefix of a well-formed token; empty for anything else. */
    public static Optional<String> prefix(String token) {
        if (token == null) {
            return Optional.empty();
        }
        Matcher m = FORMAT.matcher(token);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Compares a presented token with a stored hash in time independent of where they differ. */
    public static boolean matches(String token, byte[] storedSha256) {
        return MessageDigest.isEqual(sha256(token), storedSha256);
    }

    /** The token with its secret part hidden, for anything printed. */
    public static String mask(String token) {
        return prefix(token).map(p -> "nst_" + p + "_****").orElse("****");
    }
}
