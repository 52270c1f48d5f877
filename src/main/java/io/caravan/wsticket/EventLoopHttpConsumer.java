package io.caravan.wsticket;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Locale;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * {@link VertxPlatformHttpConsumer} that starts the route on the event loop that read the request and writes
 * the reply when the route completes, on that same event loop (see {@link EventLoopHttpEngine}). The request
 * is read into the exchange and the reply written exactly as Camel's consumer does (its own methods, the
 * response writer through a method handle); the requests it does not handle this way go to Camel's consumer.
 */
final class EventLoopHttpConsumer extends VertxPlatformHttpConsumer {

    private static final MethodHandle WRITE_RESPONSE = responseWriter();

    EventLoopHttpConsumer(final PlatformHttpEndpoint endpoint, final Processor processor,
            final List<Handler<RoutingContext>> handlers, final String routerName) {
        super(endpoint, processor, handlers, routerName);
    }

    @Override
    protected void handleRequest(final RoutingContext ctx) {
        final PlatformHttpEndpoint endpoint = getEndpoint();
        final Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext() || isSuspended() || endpoint.isHttpProxy()
                || endpoint.isUseStreaming() || isForm(ctx)) {
            super.handleRequest(ctx); // Camel's way: the route on a worker thread (forms, proxy, streaming, 503 while suspended)
            return;
        }
        final Exchange exchange = createExchange(false);
        exchange.setPattern(ExchangePattern.InOut);
        processHttpRequest(exchange, ctx).onComplete(read -> {
            if (read.failed()) {
                fail(exchange, ctx, read.cause());
                return;
            }
            try {
                createUoW(exchange);
            } catch (Exception e) {
                fail(exchange, ctx, e);
                return;
            }
            try {
                getAsyncProcessor().process(exchange, doneSync -> {
                    if (Context.isOnEventLoopThread() && Vertx.currentContext() == context) {
                        respond(ctx, exchange);
                    } else {
                        context.runOnContext(ignored -> respond(ctx, exchange)); // the route completed on another thread
                    }
                });
            } catch (RuntimeException | Error e) {
                fail(exchange, ctx, e); // Camel reports failures on the exchange; this is only a guard
            }
        });
    }

    private void respond(final RoutingContext ctx, final Exchange exchange) {
        final Future<Void> written;
        try {
            written = writeResponse(ctx, exchange, getEndpoint().getHeaderFilterStrategy(), getEndpoint().isMuteException());
        } catch (RuntimeException | Error e) {
            fail(exchange, ctx, e);
            return;
        }
        written.onComplete(result -> {
            if (result.succeeded()) {
                complete(exchange);
            } else {
                fail(exchange, ctx, result.cause());
            }
        });
    }

    private void fail(final Exchange exchange, final RoutingContext ctx, final Throwable failure) {
        getExceptionHandler().handleException("Failed handling platform-http endpoint " + getEndpoint().getPath(), failure);
        ctx.fail(failure);
        if (getEndpoint().isHandleWriteResponseError() && failure != null) {
            final Exception existing = exchange.getException();
            if (existing != null) {
                failure.addSuppressed(existing);
            }
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
            exchange.setException(failure);
        }
        complete(exchange);
    }

    private void complete(final Exchange exchange) {
        doneUoW(exchange);
        releaseExchange(exchange, false);
    }

    /** Form and multipart bodies become headers and attachments in Camel's consumer only. */
    private static boolean isForm(final RoutingContext ctx) {
        final String type = ctx.request().getHeader("Content-Type");
        if (type == null) {
            return false;
        }
        final String lower = type.toLowerCase(Locale.ROOT);
        return lower.startsWith("application/x-www-form-urlencoded") || lower.startsWith("multipart/form-data");
    }

    @SuppressWarnings("unchecked")
    private static Future<Void> writeResponse(final RoutingContext ctx, final Exchange exchange,
            final HeaderFilterStrategy filter, final boolean muteExceptions) {
        try {
            return (Future<Void>) WRITE_RESPONSE.invokeExact(ctx, exchange, filter, muteExceptions);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            return Future.failedFuture(e);
        }
    }

    /** Camel's own response writer (package-private in camel-platform-http-vertx): the same reply as its consumer's. */
    private static MethodHandle responseWriter() {
        try {
            final Class<?> support = Class.forName("org.apache.camel.component.platform.http.vertx.VertxPlatformHttpSupport");
            final java.lang.reflect.Method method = support.getDeclaredMethod("writeResponse",
                    RoutingContext.class, Exchange.class, HeaderFilterStrategy.class, boolean.class);
            method.setAccessible(true);
            return MethodHandles.lookup().unreflect(method)
                    .asType(MethodType.methodType(Future.class, RoutingContext.class, Exchange.class, HeaderFilterStrategy.class, boolean.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("camel-platform-http-vertx has no VertxPlatformHttpSupport.writeResponse"
                    + "(RoutingContext, Exchange, HeaderFilterStrategy, boolean) (not Camel 4.17?): " + e, e);
        }
    }
}
