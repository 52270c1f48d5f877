package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SocketErrorLogTest {

    private final SocketErrorLog errors = new SocketErrorLog();
    private final Logger logger = (Logger) LoggerFactory.getLogger(SocketErrorLog.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level levelBefore;

    @BeforeEach
    void capture() {
        levelBefore = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }

    @Test
    void aPeerThatVanishedIsCountedAndLoggedAtDebugWithoutAStackTrace() {
        errors.handleException("Error processing exchange", null, new HttpClosedException("Connection was closed"));
        errors.handleException(new SocketException("Connection reset"));
        errors.handleException("x", new VertxException(new ClosedChannelException()));

        assertThat(errors.peersGone()).isEqualTo(3);
        assertThat(errors.errors()).isZero();
        assertThat(appender.list).hasSize(3).allSatisfy(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(event.getThrowableProxy()).isNull();
        });
        assertThat(appender.list.get(0).getFormattedMessage()).contains("HttpClosedException: Connection was closed");
    }

    @Test
    void anyOtherErrorStaysAWarningWithItsStackTrace() {
        errors.handleException("Error processing exchange", null, new IllegalStateException("frame too large"));

        assertThat(errors.errors()).isEqualTo(1);
        assertThat(errors.peersGone()).isZero();
        assertThat(appender.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).isEqualTo("ws-ticket socket error: Error processing exchange");
            assertThat(event.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
        });
    }

    @Test
    void classifiesByTheWholeCauseChain() {
        assertThat(SocketErrorLog.isPeerGone(new RuntimeException("wrapped", new IOException("Broken pipe")))).isTrue();
        assertThat(SocketErrorLog.isPeerGone(new RuntimeException("no io here", new IllegalArgumentException()))).isFalse();
        assertThat(SocketErrorLog.isPeerGone(null)).isFalse();
        assertThat(List.of(new HttpClosedException("x"))).allMatch(SocketErrorLog::isPeerGone);
    }
}
