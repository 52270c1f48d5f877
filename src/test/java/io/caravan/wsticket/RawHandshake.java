package io.caravan.wsticket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 6455 client handshake on a plain socket: sends the upgrade request, reads the status line
 * and headers, and checks Sec-WebSocket-Accept on a 101. Precise about the HTTP status of a
 * refusal (which WebSocket client libraries hide), and light enough for hundreds of concurrent
 * handshakes. The socket stays open until {@link #close()} (an accepted one is a live WebSocket).
 */
final class RawHandshake implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    final int status;
    final Map<String, String> headers;
    final String body;
    private final Socket socket;

    private RawHandshake(final Socket socket, final int status, final Map<String, String> headers, final String body) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    /** Handshake on {@code pathAndQuery}; {@code extraHeaders} are sent as given ("Name: value"). */
    static RawHandshake open(final int port, final String pathAndQuery, final String... extraHeaders) throws IOException {
        return send(port, pathAndQuery, true, extraHeaders);
    }

    static RawHandshake send(final int port, final String pathAndQuery, final boolean upgrade, final String... extraHeaders) throws IOException {
        final byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        final String key = Base64.getEncoder().encodeToString(nonce);
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        final StringBuilder request = new StringBuilder("GET ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        if (upgrade) {
            request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
                    .append(key).append("\r\n");
        }
        for (final String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        final OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        final InputStream in = socket.getInputStream();
        final String head = readHead(in);
        final String[] lines = head.split("\r\n");
        final int status = Integer.parseInt(lines[0].split(" ")[1]);
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            final int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
            }
        }
        String body = "";
        if (status == 101) {
            final String expected = accept(key);
            if (!expected.equals(headers.get("sec-websocket-accept"))) {
                socket.close();
                throw new IOException("bad Sec-WebSocket-Accept: " + headers);
            }
        } else if (headers.containsKey("content-length")) {
            final byte[] bytes = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return new RawHandshake(socket, status, headers, body);
    }

    private static String readHead(final InputStream in) throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        final byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            final int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed during the handshake after: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String accept(final String key) {
        try {
            final MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return Base64.getEncoder().encodeToString(
                    sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
