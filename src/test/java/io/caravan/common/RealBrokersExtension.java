package io.caravan.common;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link RealBrokers} before the first test class that needs them, publishes their
 * addresses as system properties (read by Spring Boot and Camel), and stops them when the whole
 * test run ends, failed tests included.
 */
public final class RealBrokersExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(final ExtensionContext context) {
        final RealBrokers brokers = RealBrokers.get();
        brokers.properties().forEach(System::setProperty);
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(RealBrokers.class, key -> new StopAtEnd(brokers), StopAtEnd.class);
    }

    /** Closed by JUnit when the root context (the whole run) ends. */
    private record StopAtEnd(RealBrokers brokers) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            brokers.close();
        }
    }
}
