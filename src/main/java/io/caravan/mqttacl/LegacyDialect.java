package io.caravan.mqttacl;

import java.util.Map;

/**
 * jpmens/mosquitto-auth-plug's HTTP backend: always POST, form body
 * {@code [extra params&]username=..&password=..&topic=..&acc=N&clientid=..} where every field is
 * curl-escaped except clientid, which is sent raw (e.g. the literal {@code client id not available}
 * with spaces). Only the status code is read: 2xx allow, 403 deny, 5xx makes the plugin retry.
 */
public final class LegacyDialect {

    private static final String CLIENT_ID_FIELD = "clientid=";

    private final boolean clientIdEscaped;

    /** @param clientIdEscaped true for forks that curl-escape the client id too */
    public LegacyDialect(final boolean clientIdEscaped) {
        this.clientIdEscaped = clientIdEscaped;
    }

    /** Parses a body; IllegalArgumentException when it is not one the plugin could have written. */
    public CallbackRequest parse(final byte[] body) {
        final String text = FormBodies.utf8(body);
        String rest = text;
        String clientId = null;
        final int at = clientIdAt(text);
        if (at >= 0) {
            final String raw = text.substring(at + CLIENT_ID_FIELD.length());
            clientId = clientIdEscaped ? FormBodies.decode(raw) : raw;
            rest = at == 0 ? "" : text.substring(0, at - 1);
        }
        final Map<String, String> fields = FormBodies.parse(rest);
        final String username = fields.get("username");
        if (username == null || username.isEmpty()) {
            throw new IllegalArgumentException("username missing");
        }
        if (!fields.containsKey("acc")) {
            throw new IllegalArgumentException("acc missing");
        }
        return new CallbackRequest(username, fields.get("password"), clientId, fields.get("topic"), fields.get("acc"));
    }

    /** Where {@code clientid=} starts as a field (at the start or after '&'); -1 when absent. */
    private static int clientIdAt(final String text) {
        if (text.startsWith(CLIENT_ID_FIELD)) {
            return 0;
        }
        final int i = text.indexOf("&" + CLIENT_ID_FIELD);
        return i < 0 ? -1 : i + 1;
    }
}
