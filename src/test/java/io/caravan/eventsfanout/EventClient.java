package io.caravan.eventsfanout;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.HttpTestClient;
import io.caravan.common.RealBrokers;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/**
 * A browser tab: gets a real OIDC token for {@code subject} from the dev issuer, a ticket from
 * POST /api/ws-tickets, and opens /ws/events with it (Java-WebSocket). Records every frame; a
 * "stalled" client blocks its reading thread until released (TCP back-pressure on the server).
 */
final class EventClient extends WebSocketClient {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    final String subject;
    final List<String> frames = new CopyOnWriteArrayList<>();
    /** The routing key of each frame parsed so far (see {@link #countWithKey}). */
    private final List<String> keys = new java.util.ArrayList<>();
    volatile int closeCode = -1;
    volatile String closeReason;
    volatile Exception error;
    private volatile CountDownLatch stall;

    private EventClient(final URI uri, final String subject) {
        super(uri);
        this.subject = subject;
        setConnectionLostTimeout(0);
    }

    /** Opens a tab of {@code subject} on the gateway at {@code httpBase} whose /ws/events is {@code wsBase}. */
    static EventClient open(final String httpBase, final String wsBase, final String subject) throws InterruptedException {
        final String ticket = ticket(httpBase, subject);
        final EventClient client = new EventClient(URI.create(wsBase + "/ws/events?ticket=" + ticket), subject);
        if (!client.connectBlocking(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("WebSocket of " + subject + " did not open: close " + client.closeCode + " " + client.closeReason
                    + " " + client.error);
        }
        return client;
    }

    /**
     * ws://host:port of the gateway's /ws/events server, read from the running ws-ticket route (the
     * ws-ticket.ws.port system property is re-drawn by RealBrokersExtension before every test class,
     * while the shared Spring context keeps listening where it started).
     */
    static String wsBase(final org.apache.camel.CamelContext camel) {
        final URI uri = URI.create(camel.getRoute("ws-ticket-connect").getEndpoint().getEndpointUri());
        return "ws://" + uri.getHost() + ":" + uri.getPort();
    }

    static String token(final String subject) {
        return TOKENS.computeIfAbsent(subject, s -> {
            final String form = "grant_type=client_credentials&client_id=" + enc(s) + "&client_secret=dev&scope=" + enc("ws:ticket");
            final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(URI.create(RealBrokers.get().oidcIssuer() + "/token"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build());
            return json(response.body()).path("access_token").asText();
        });
    }

    static String ticket(final String httpBase, final String subject) {
        final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(URI.create(httpBase + "/api/ws-tickets"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + token(subject))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/ws-tickets answered " + response.statusCode() + ": " + response.body());
        }
        return json(response.body()).path("ticket").asText();
    }

    static JsonNode json(final String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    private static String enc(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Stops reading (the next frame blocks the reader thread) until {@link #resume()}. */
    void stall() {
        stall = new CountDownLatch(1);
    }

    void resume() {
        final CountDownLatch s = stall;
        stall = null;
        if (s != null) {
            s.countDown();
        }
    }

    /** Frames whose routingKey is {@code routingKey}. */
    List<JsonNode> withKey(final String routingKey) {
        return frames.stream().map(EventClient::json).filter(n -> routingKey.equals(n.path("routingKey").asText())).toList();
    }

    /**
     * How many frames have routing key {@code routingKey}; each frame is parsed once (a poll over thousands of
     * 16 KiB frames must not re-parse them all every time).
     */
    int countWithKey(final String routingKey) {
        synchronized (keys) {
            for (int i = keys.size(); i < frames.size(); i++) {
                keys.add(json(frames.get(i)).path("routingKey").asText());
            }
            int n = 0;
            for (final String k : keys) {
                if (routingKey.equals(k)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Frames of the given {@code type}. */
    List<JsonNode> ofType(final String type) {
        return frames.stream().map(EventClient::json).filter(n -> type.equals(n.path("type").asText())).toList();
    }

    @Override
    public void onOpen(final ServerHandshake handshake) {
    }

    @Override
    public void onMessage(final String message) {
        final CountDownLatch s = stall;
        if (s != null) {
            try {
                s.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        frames.add(message);
    }

    @Override
    public void onClose(final int code, final String reason, final boolean remote) {
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public void onError(final Exception ex) {
        error = ex;
    }
}
