package io.caravan.wsticket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

/** Every log event of the JVM from {@link #install()} on (root logger), with the flow's loggers at DEBUG. */
final class CapturedLogs extends AppenderBase<ILoggingEvent> {

    private static CapturedLogs instance;

    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    /**
     * Attaches the capture to the root logger (again after Spring Boot re-initialised logging:
     * call it once the application context runs, e.g. from a {@code @BeforeEach}).
     */
    static synchronized CapturedLogs install() {
        if (instance == null) {
            instance = new CapturedLogs();
            instance.setName("ws-ticket-test-capture");
        }
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(instance.getName()) == null) {
            instance.setContext(root.getLoggerContext());
            instance.start();
            root.addAppender(instance);
            for (final String name : List.of("io.caravan.wsticket", "org.apache.camel.component.vertx.websocket",
                    "org.apache.camel.component.platform.http", "io.vertx.ext.web")) {
                ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.DEBUG);
            }
        }
        return instance;
    }

    @Override
    protected void append(final ILoggingEvent event) {
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** Message, arguments and stack trace of every event, one per entry. */
    List<String> texts() {
        return events.stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
    }

    long count(final Level level, final String loggerSuffix, final String contains) {
        return events.stream().filter(e -> e.getLevel() == level && e.getLoggerName().endsWith(loggerSuffix)
                && e.getFormattedMessage().contains(contains)).count();
    }
}
