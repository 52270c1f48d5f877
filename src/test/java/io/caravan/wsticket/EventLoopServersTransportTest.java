package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.Test;

/** What {@link EventLoopServers#transport} reports for a Vert.x with and without the native transport preferred. */
class EventLoopServersTransportTest {

    @Test
    void aVertxThatPrefersTheNativeTransportRunsOnEpoll() throws Exception {
        final Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1));
        try {
            assertThat(vertx.isNativeTransportEnabled()).as("cause: %s", vertx.unavailableNativeTransportCause()).isTrue();
            assertThat(EventLoopServers.transport(vertx)).isEqualTo("native epoll");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDefaultVertxRunsOnJavaNio() throws Exception {
        final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            assertThat(vertx.isNativeTransportEnabled()).isFalse();
            assertThat(EventLoopServers.transport(vertx)).startsWith("Java NIO");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
