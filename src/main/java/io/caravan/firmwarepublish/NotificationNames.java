package io.caravan.firmwarepublish;

import java.nio.charset.StandardCharsets;

/**
 * A package name as one MQTT topic level ({@code firmware/<level>}) and as one AMQP routing-key word
 * ({@code firmware.<word>.published}).
 *
 * <p>Debian package names may hold {@code +} and {@code .} ({@code [a-z0-9][a-z0-9+.-]+}). In MQTT
 * {@code +} is the single-level wildcard, so {@code firmware/fw+x} is not a topic a message can be
 * published to; in an AMQP topic exchange {@code .} separates words, so {@code firmware.fw.x.published}
 * does not match a binding such as {@code firmware.*.published}. The encoding is percent-encoding
 * (uppercase hex of the UTF-8 bytes, as in URLs) of exactly the characters that are special where the
 * name is used, and of {@code %} itself so that it can be decoded:
 * <ul>
 * <li>MQTT topic level: {@code + # / %}, spaces, control characters and anything outside ASCII
 *     ({@code fw+x.y} → {@code fw%2Bx.y}; a name with none of them is unchanged, e.g. {@code fw-core});</li>
 * <li>AMQP routing-key word: the same and also {@code .} and {@code *}
 *     ({@code fw+x.y} → {@code fw%2Bx%2Ey}).</li>
 * </ul>
 * A subscriber gets the package name back by percent-decoding the level or word (and always has it
 * unencoded in the notification body's {@code package} field).
 */
public final class NotificationNames {

    /**
     * Longest encoded word accepted for a package: an AMQP routing key is at most 255 bytes, and this
     * leaves room for the prefix and {@code .published}.
     */
    public static final int MAX_WORD = 200;

    private NotificationNames() {
    }

    /** The package name as one MQTT topic level. */
    public static String mqttLevel(final String packageName) {
        return encode(packageName, "+#/%");
    }

    /** The package name as one AMQP routing-key word. */
    public static String amqpWord(final String packageName) {
        return encode(packageName, "+#/%.*");
    }

    /** The package name from an encoded level or word. */
    public static String decode(final String encoded) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            final char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String encode(final String name, final String special) {
        final StringBuilder sb = new StringBuilder(name.length() + 8);
        for (final byte b : name.getBytes(StandardCharsets.UTF_8)) {
            final int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || special.indexOf(c) >= 0) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }
}
