package io.caravan.wsticket;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.Problem;
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
     * Waits for Redis on the calling thread (platform-http's worker, or the servlet thread under Spring Boot).
     *
     * @return the body; fails with {@link StoreUnavailableException} when Redis is down (the route answers 503)
     */
    public String issue(final Exchange exchange) {
        final Message in = exchange.getMessage();
        final String subject = in.getHeader(SUBJECT_HEADER, String.class);
        if (subject == null || subject.isBlank()) {
            throw new IllegalStateException("no authenticated subject: the oauth2 policy must run before " + getClass().getSimpleName());
        }
        try {
            return body(tickets.issue(subject, in.getHeader("Origin", String.class)).toCompletableFuture().join());
        } catch (CompletionException e) {
            // the failure itself, not wrapped: the route's onException and logs see it
            throw e.getCause() instanceof RuntimeException r ? r : e;
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
