package io.caravan.mqttacl;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Secrets and their stored forms.
 * <ul>
 * <li>Secrets Caravan generates (device secrets, MQTT tokens): 256 random bits, stored as a salted
 * SHA-256 ({@code s256$salt$hash}) — a slow hash adds nothing for such entropy and would make
 * /auth the broker's bottleneck.</li>
 * <li>Secrets a person chooses (superusers): PBKDF2-HMAC-SHA256 ({@code pbkdf2$iterations$salt$hash}).</li>
 * </ul>
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    public static final int PBKDF2_DEFAULT_ITERATIONS = 210_000;

    private Secrets() {
    }

    /** 256 random bits, base64url (43 chars). */
    public static String generate() {
        final byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }

    /** Salted SHA-256 of a generated secret. */
    public static String hashGenerated(final String secret) {
        final byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "s256$" + B64.encodeToString(salt) + "$" + B64.encodeToString(sha256(salt, secret));
    }

    /** Unsalted SHA-256 (hex) of a generated token: the lookup key of MQTT tokens in Redis. */
    public static String tokenKey(final String token) {
        final byte[] digest = sha256(new byte[0], token);
        final StringBuilder hex = new StringBuilder(64);
        for (final byte b : digest) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }

    /** PBKDF2 of a person-chosen password, for configuration. */
    public static String hashPassword(final String password, final int iterations) {
        final byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return "pbkdf2$" + iterations + "$" + B64.encodeToString(salt) + "$"
                + B64.encodeToString(pbkdf2(password, salt, iterations));
    }

    /** Checks {@code secret} against a stored {@code s256$...} or {@code pbkdf2$...}; false on any malformed input. */
    public static boolean verify(final String secret, final String stored) {
        if (secret == null || secret.isEmpty() || stored == null) {
            return false;
        }
        final String[] parts = stored.split("\\$", -1);
        try {
            if (parts.length == 3 && parts[0].equals("s256")) {
                return MessageDigest.isEqual(B64D.decode(parts[2]), sha256(B64D.decode(parts[1]), secret));
            }
            if (parts.length == 4 && parts[0].equals("pbkdf2")) {
                final int iterations = Integer.parseInt(parts[1]);
                if (iterations < 1 || iterations > 10_000_000) {
                    return false;
                }
                return MessageDigest.isEqual(B64D.decode(parts[3]), pbkdf2(secret, B64D.decode(parts[2]), iterations));
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        return false;
    }

    private static byte[] sha256(final byte[] salt, final String secret) {
        try {
            final MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(salt);
            return md.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }

    private static byte[] pbkdf2(final String password, final byte[] salt, final int iterations) {
        try {
            final PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 unavailable", e);
        }
    }
}
