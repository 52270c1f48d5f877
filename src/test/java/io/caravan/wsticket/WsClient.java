package io.caravan.wsticket;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.handshake.ServerHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;

/** A real WebSocket client (Java-WebSocket) that records what it receives. */
final class WsClient extends WebSocketClient {

    final List<String> messages = new CopyOnWriteArrayList<>();
    volatile String closeReason;
    volatile int closeCode = -1;
    volatile short handshakeStatus;
    volatile String selectedProtocol;

    private WsClient(final URI uri, final Draft_6455 draft, final Map<String, String> headers) {
        super(uri, draft, headers, 5000);
    }

    /** Connects to {@code url}; with {@code protocols} they are offered in Sec-WebSocket-Protocol. */
    static WsClient connect(final String url, final Map<String, String> headers, final String... protocols) throws InterruptedException {
        final List<IProtocol> offered = new java.util.ArrayList<>();
        for (final String p : protocols) {
            offered.add(new Protocol(p));
        }
        final Draft_6455 draft = offered.isEmpty() ? new Draft_6455() : new Draft_6455(List.<IExtension>of(), offered);
        final WsClient client = new WsClient(URI.create(url), draft, headers);
        client.connectBlocking(10, TimeUnit.SECONDS);
        return client;
    }

    @Override
    public void onOpen(final ServerHandshake handshake) {
        handshakeStatus = handshake.getHttpStatus();
        selectedProtocol = handshake.getFieldValue("Sec-WebSocket-Protocol");
    }

    @Override
    public void onMessage(final String message) {
        messages.add(message);
    }

    @Override
    public void onClose(final int code, final String reason, final boolean remote) {
        closeCode = code;
        closeReason = reason;
    }

    @Override
    public void onError(final Exception ex) {
        // recorded through onClose
    }
}
