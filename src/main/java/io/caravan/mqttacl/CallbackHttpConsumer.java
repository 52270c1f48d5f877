package io.caravan.mqttacl;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One route's path on a {@link CallbackHttpListener}: turns a request into an exchange (body
 * {@code byte[]}, headers {@code Content-Type}, {@code CamelHttpMethod}, {@code CamelHttpUri}) and
 * the exchange's outcome into an {@link Answer}.
 */
public final class CallbackHttpConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackHttpConsumer.class);
    private static final byte[] EMPTY = new byte[0];

    /** What is written back: status, optional Content-Type, body. */
    record Answer(int status, String contentType, byte[] body) {
        static final Answer ERROR = new Answer(500, null, EMPTY);
    }

    private final Set<String> methods;
    private final String allowed;

    CallbackHttpConsumer(final CallbackHttpEndpoint endpoint, final Processor processor) {
        super(endpoint, processor);
        this.methods = Arrays.stream(endpoint.getHttpMethodRestrict().split(",")).map(String::trim)
                .filter(m -> !m.isEmpty()).map(m -> m.toUpperCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("httpMethodRestrict names no method");
        }
        this.allowed = String.join(", ", methods);
    }

    @Override
    public CallbackHttpEndpoint getEndpoint() {
        return (CallbackHttpEndpoint) super.getEndpoint();
    }

    boolean allows(final String method) {
        return methods.contains(method);
    }

    String allowed() {
        return allowed;
    }

    /** Runs the route for one request (on a worker thread) and returns what to answer. */
    Answer process(final String method, final String uri, final String contentType, final byte[] body) {
        final Exchange exchange = createExchange(false);
        try {
            final Message in = exchange.getIn();
            in.setHeader(Exchange.HTTP_METHOD, method);
            in.setHeader(Exchange.HTTP_URI, uri);
            if (contentType != null) {
                in.setHeader(Exchange.CONTENT_TYPE, contentType);
            }
            in.setBody(body);
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                LOG.warn("{} {} failed: {}", method, uri, exchange.getException().toString());
                return Answer.ERROR;
            }
            final Message out = exchange.getMessage();
            final Integer status = out.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            return new Answer(status == null ? 200 : status, out.getHeader(Exchange.CONTENT_TYPE, String.class), bytes(out));
        } catch (Exception e) {
            LOG.warn("{} {} failed: {}", method, uri, e.toString());
            return Answer.ERROR;
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private static byte[] bytes(final Message message) {
        final Object body = message.getBody();
        if (body == null) {
            return EMPTY;
        }
        if (body instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        final byte[] bytes = message.getBody(byte[].class);
        return bytes == null ? EMPTY : bytes;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        getEndpoint().getComponent().register(getEndpoint(), this);
    }

    @Override
    protected void doStop() throws Exception {
        getEndpoint().getComponent().unregister(getEndpoint());
        super.doStop();
    }
}
