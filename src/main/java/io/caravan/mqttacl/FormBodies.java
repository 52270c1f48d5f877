package io.caravan.mqttacl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * application/x-www-form-urlencoded bodies as the auth plugins write them: percent escapes
 * (curl_easy_escape writes {@code %2F}, {@code %20}), {@code +} as space, and raw bytes such as
 * spaces passed through. A bad escape or invalid UTF-8 is an IllegalArgumentException.
 */
public final class FormBodies {

    private FormBodies() {
    }

    /** Parses {@code a=1&b=2}; a repeated name is malformed. */
    public static Map<String, String> parse(final String body) {
        final Map<String, String> fields = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return fields;
        }
        for (final String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            final int eq = pair.indexOf('=');
            final String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            final String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (fields.put(name, value) != null) {
                throw new IllegalArgumentException("form field '" + name + "' repeated");
            }
        }
        return fields;
    }

    /** Percent-decodes (UTF-8, strict), {@code +} is a space. */
    public static String decode(final String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        final byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            final byte b = raw[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                if (i + 2 >= raw.length) {
                    throw new IllegalArgumentException("truncated percent escape");
                }
                final int hi = Character.digit(raw[i + 1], 16);
                final int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent escape");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        return utf8(out.toByteArray());
    }

    /** Strict UTF-8 decoding. */
    public static String utf8(final byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("body is not UTF-8", e);
        }
    }
}
