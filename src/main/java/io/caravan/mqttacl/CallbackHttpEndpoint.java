package io.caravan.mqttacl;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code mqtt-acl-http://host:port/path?httpMethodRestrict=POST}: one path of an internal HTTP listener
 * that answers Mosquitto's auth-plugin callbacks (consumer only; see {@link CallbackHttpComponent}).
 * Routes on the same host:port share one listener; two routes on one path refuse to start.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "mqtt-acl-http", title = "MQTT auth callbacks over HTTP",
        syntax = "mqtt-acl-http:host:port/path", consumerOnly = true, remote = true,
        category = {Category.HTTP, Category.SECURITY})
public final class CallbackHttpEndpoint extends DefaultEndpoint {

    @UriPath(description = "Address to listen on; the callbacks are internal, keep it 127.0.0.1 or the broker's network")
    @Metadata(required = true)
    private String host;
    @UriPath(description = "Port of the listener (never the public API's port)")
    @Metadata(required = true)
    private int port;
    @UriPath(description = "Exact request path, e.g. /acl (no wildcards, no query)")
    @Metadata(required = true)
    private String path;
    @UriParam(defaultValue = "POST", description = "Comma-separated HTTP methods the path accepts; others get 405 with Allow")
    private String httpMethodRestrict = "POST";

    CallbackHttpEndpoint(final String uri, final CallbackHttpComponent component) {
        super(uri, component);
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

    public String getHost() {
        return host;
    }

    public void setHost(final String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(final int port) {
        this.port = port;
    }

    public String getPath() {
        return path;
    }

    public void setPath(final String path) {
        this.path = path;
    }

    public String getHttpMethodRestrict() {
        return httpMethodRestrict;
    }

    /** Comma-separated HTTP methods the path accepts (default POST); others are answered 405. */
    public void setHttpMethodRestrict(final String httpMethodRestrict) {
        this.httpMethodRestrict = httpMethodRestrict;
    }
}
