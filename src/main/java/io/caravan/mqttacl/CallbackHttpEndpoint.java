package io.caravan.mqttacl;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** {@code mqtt-acl-http://host:port/path?httpMethodRestrict=POST}: consumer only (see {@link CallbackHttpComponent}). */
public final class CallbackHttpEndpoint extends DefaultEndpoint {

    private final String host;
    private final int port;
    private final String path;
    private final String httpMethodRestrict;

    CallbackHttpEndpoint(final String uri, final CallbackHttpComponent component, final String host, final int port,
            final String path, final String httpMethodRestrict) {
        super(uri, component);
        this.host = host;
        this.port = port;
        this.path = path;
        this.httpMethodRestrict = httpMethodRestrict;
    }

    @Override
    public CallbackHttpComponent getComponent() {
        return (CallbackHttpComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("mqtt-acl-http only consumes (it is a server)");
    }

    @Override
    public Consumer createConsumer(final Processor processor) throws Exception {
        final CallbackHttpConsumer consumer = new CallbackHttpConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String path() {
        return path;
    }

    String httpMethodRestrict() {
        return httpMethodRestrict;
    }
}
