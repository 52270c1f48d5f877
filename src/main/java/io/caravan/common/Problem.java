package io.caravan.common;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * An RFC 9457 problem body ({@code application/problem+json}). Every flow answers bad input with
 * one of these, so a client always gets the HTTP status plus a JSON explanation.
 */
public final class Problem {

    public static final String CONTENT_TYPE = "application/problem+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Problem(final int status, final String title, final String detail) {
        fields.put("type", "about:blank");
        fields.put("title", title);
        fields.put("status", status);
        if (detail != null && !detail.isBlank()) {
            fields.put("detail", detail);
        }
    }

    public static Problem of(final int status, final String title, final String detail) {
        return new Problem(status, title, detail);
    }

    /** Adds an extension member (RFC 9457 section 3.2). */
    public Problem with(final String name, final Object value) {
        fields.put(name, value);
        return this;
    }

    public int status() {
        return (Integer) fields.get("status");
    }

    /**
     * Makes {@code message} this problem's HTTP answer: drops every other header (nothing the
     * caller sent travels back), sets the status and the problem+json type, and the body.
     */
    public void answer(final Message message) {
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status());
        message.setHeader(Exchange.CONTENT_TYPE, CONTENT_TYPE);
        message.setBody(toJson());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("problem body not serialisable", e);
        }
    }

    @Override
    public String toString() {
        return toJson();
    }
}
