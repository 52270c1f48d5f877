package io.caravan.firmwarepublish;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One deb822 paragraph (deb-control(5)): {@code Field: value} lines, continuation lines starting
 * with a space or tab, field names case-insensitive and unique. The field order and the exact
 * values (continuations included) are kept, because they are copied into the Packages index.
 */
public final class ControlFields {

    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~&&[^#-]][!-9;-~]*");

    private final Map<String, String> fields;

    private ControlFields(final Map<String, String> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    /** Parses exactly one paragraph (leading/trailing blank lines allowed). */
    public static ControlFields parse(final String text) {
        final Map<String, String> fields = new LinkedHashMap<>();
        final Map<String, String> lowerNames = new LinkedHashMap<>();
        String current = null;
        boolean ended = false;
        int lineNo = 0;
        for (final String raw : text.split("\n", -1)) {
            lineNo++;
            final String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                // a lone CR or other control character could read as a line break to some other deb822 parser
                throw FirmwareRejected.invalid("bad-control", "control file line " + lineNo + " holds a control character");
            }
            if (line.isBlank()) {
                if (current != null) {
                    ended = true;
                }
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            if (ended) {
                throw FirmwareRejected.invalid("bad-control", "control file holds more than one paragraph (line " + lineNo + ")");
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (current == null) {
                    throw FirmwareRejected.invalid("bad-control", "control file line " + lineNo + " continues no field");
                }
                fields.put(current, fields.get(current) + "\n" + line);
                continue;
            }
            final int colon = line.indexOf(':');
            if (colon <= 0) {
                throw FirmwareRejected.invalid("bad-control", "control file line " + lineNo + " is not 'Field: value': '"
                        + abbreviate(line) + "'");
            }
            final String name = line.substring(0, colon);
            if (!FIELD_NAME.matcher(name).matches()) {
                throw FirmwareRejected.invalid("bad-control", "control file line " + lineNo + ": bad field name '" + abbreviate(name) + "'");
            }
            if (lowerNames.putIfAbsent(name.toLowerCase(java.util.Locale.ROOT), name) != null) {
                throw FirmwareRejected.invalid("bad-control", "control file has the field '" + name + "' twice");
            }
            fields.put(name, line.substring(colon + 1).strip());
            current = name;
        }
        if (fields.isEmpty()) {
            throw FirmwareRejected.invalid("bad-control", "control file is empty");
        }
        return new ControlFields(fields);
    }

    /** The value of a field (case-insensitive name), or null. */
    public String get(final String name) {
        for (final Map.Entry<String, String> e : fields.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    public Map<String, String> asMap() {
        return fields;
    }

    /** The paragraph as deb822 text, one trailing newline. */
    public String toText() {
        final StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append(k).append(':').append(v.isEmpty() || v.startsWith("\n") ? "" : " ").append(v).append('\n'));
        return sb.toString();
    }

    private static String abbreviate(final String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }
}
