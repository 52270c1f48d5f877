package io.caravan.wsticket;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.Problem;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The HTTP side of the flow: {@code POST /api/ws-tickets} (after the oauth2 policy) and its
 * error bodies. JSON only; the ticket appears in the 201 body and nowhere else.
 */
public final class WsTicketApi {

    /** Header the oauth2 policy sets to the verified token's subject. */
    public static final String SUBJECT_HEADER = "CaravanPrincipalSubject";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TicketService tickets;
    private String publicUrl = "ws://127.0.0.1:8091/ws/events";

    public WsTicketApi(final TicketService tickets) {
        this.tickets = tickets;
    }

    /**
     * Issues a ticket to the authenticated subject, bound to the request's Origin when it has
     * one. Answers {@code {"ticket","expiresAt","url"}}; status and headers are set by the route.
     * <ul>
     *   <li>On a Vert.x event loop (the route on {@link EventLoopHttpEngine}): returns at once; Camel continues the
     *       route when Redis has answered, back on this event loop (never on Lettuce's I/O thread).</li>
     *   <li>On any other thread (Spring Boot's, platform-http's worker): waits here for Redis, as a blocking call,
     *       and the route continues on this thread.</li>
     * </ul>
     *
     * @return the body; fails with {@link StoreUnavailableException} when Redis is down (the route answers 503)
     */
    public CompletionStage<String> issue(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String subject = in.getHeader(SUBJECT_HEADER, String.class);
        if (subject == null || subject.isBlank()) {
            throw new IllegalStateException("no authenticated subject: the oauth2 policy must run before " + getClass().getSimpleName());
        }
        final CompletionStage<String> body = tickets.issue(subject, in.getHeader("Origin", String.class)).thenApply(this::body);
        final Context loop = Context.isOnEventLoopThread() ? Vertx.currentContext() : null;
        final CompletableFuture<String> answer = new CompletableFuture<>();
        body.whenComplete((json, error) -> {
            if (loop == null) {
                settle(answer, json, error);
            } else {
                loop.runOnContext(ignored -> settle(answer, json, error));
            }
        });
        if (loop == null) {
            try {
                return CompletableFuture.completedFuture(answer.join());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return answer;
    }

    /** Completes {@code answer} with the body, or with the failure itself (not wrapped: the route's onException and logs see it). */
    private static void settle(final CompletableFuture<String> answer, final String json, final Throwable error) {
        if (error == null) {
            answer.complete(json);
        } else {
            answer.completeExceptionally(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
        }
    }

    private String body(final IssuedTicket issued) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("ticket", issued.ticket());
        body.put("expiresAt", issued.expiresAt().toString());
        body.put("url", publicUrl);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The 503 body while Redis is unreachable. */
    public String unavailable() {
        return Problem.of(503, "Service Unavailable", "WebSocket tickets cannot be issued right now; retry shortly").toJson();
    }

    /** The 500 body of anything unexpected (no detail: it could carry internals). */
    public String failed() {
        return Problem.of(500, "Internal Server Error", "the ticket could not be issued").toJson();
    }

    /** The answer to a client's text message: who this socket is bound to. */
    public String whoami(final Exchange exchange) throws JsonProcessingException {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "whoami");
        body.put("subject", exchange.getProperty(ConnectionGuard.SUBJECT, String.class));
        return JSON.writeValueAsString(body);
    }

    public void setPublicUrl(final String publicUrl) {
        this.publicUrl = publicUrl;
    }
}
