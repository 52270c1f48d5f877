package io.caravan.eventsfanout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON frame a client receives: {@code {"type","routingKey","payload","ts"}}. A payload that is
 * valid JSON is embedded as JSON; anything else (including empty) is embedded as a string. The
 * envelope is built once per event and the same String is written to every socket.
 */
public final class Envelope {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private Envelope() {
    }

    /** The frame of {@code payload} published under {@code key}, stamped {@code ts}. */
    public static String of(final RoutingKey key, final byte[] payload, final Instant ts) {
        final StringBuilderWriter out = new StringBuilderWriter(64 + (payload == null ? 0 : payload.length));
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("type", key.type());
            gen.writeStringField("routingKey", key.raw());
            gen.writeFieldName("payload");
            if (payload != null && payload.length > 0 && isJson(payload)) {
                gen.writeRawValue(new String(payload, StandardCharsets.UTF_8).strip());
            } else {
                gen.writeString(payload == null ? "" : new String(payload, StandardCharsets.UTF_8));
            }
            gen.writeStringField("ts", ts.toString());
            gen.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("envelope not serialisable", e);
        }
        return out.toString();
    }

    /** An error frame: {@code {"type":"error","status","title","detail",...}} (a problem body with a type the client can switch on). */
    public static String error(final int status, final String title, final String detail, final String deviceId) {
        final StringBuilderWriter out = new StringBuilderWriter(128);
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("type", "error");
            gen.writeNumberField("status", status);
            gen.writeStringField("title", title);
            gen.writeStringField("detail", detail);
            if (deviceId != null) {
                gen.writeStringField("deviceId", deviceId);
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("error frame not serialisable", e);
        }
        return out.toString();
    }

    /** The acknowledgement of a command handed to the MQTT broker. */
    public static String commandAccepted(final String deviceId, final String topic) {
        final StringBuilderWriter out = new StringBuilderWriter(96);
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeStringField("type", "command.accepted");
            gen.writeStringField("deviceId", deviceId);
            gen.writeStringField("topic", topic);
            gen.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("ack frame not serialisable", e);
        }
        return out.toString();
    }

    /** Whether {@code bytes} hold exactly one JSON value (object, array, string, number, literal). */
    static boolean isJson(final byte[] bytes) {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** A java.io.Writer on a StringBuilder without synchronisation. */
    private static final class StringBuilderWriter extends java.io.Writer {
        private final StringBuilder sb;

        StringBuilderWriter(final int capacity) {
            sb = new StringBuilder(capacity);
        }

        @Override
        public void write(final char[] cbuf, final int off, final int len) {
            sb.append(cbuf, off, len);
        }

        @Override
        public void write(final String str, final int off, final int len) {
            sb.append(str, off, off + len);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return sb.toString();
        }
    }

}
