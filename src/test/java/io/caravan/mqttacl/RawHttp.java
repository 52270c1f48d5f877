package io.caravan.mqttacl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends byte-exact HTTP/1.1 requests (as the auth plugins write them) over a fresh socket and
 * reads one response (Content-Length or chunked body).
 */
final class RawHttp {

    record Response(int status, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    /** The port of the flow's internal callback listener (its routes start under supervision: wait for them). */
    static int callbackPort(final org.apache.camel.CamelContext camel) {
        org.awaitility.Awaitility.await("mqtt-acl callback routes").atMost(java.time.Duration.ofSeconds(60))
                .until(() -> camel.getRoute("mqtt-acl-legacy-auth") != null && camel.getRouteController()
                        .getRouteStatus("mqtt-acl-legacy-auth").isStarted());
        return java.net.URI.create(camel.getRoute("mqtt-acl-legacy-auth").getEndpoint().getEndpointBaseUri().replace("jetty:", ""))
                .getPort();
    }

    /** A request the way libcurl (mosquitto-auth-plug) writes it: Basic auth, no Expect, form body. */
    static String curlForm(final String path, final int port, final String basicUser, final String basicPassword, final String body) {
        final String basic = java.util.Base64.getEncoder().encodeToString((basicUser + ":" + basicPassword).getBytes(StandardCharsets.UTF_8));
        return "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Authorization: Basic " + basic + "\r\n"
                + "Accept: */*\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "\r\n" + body;
    }

    /** A request the way Go's net/http (mosquitto-go-auth) writes it. */
    static String goRequest(final String path, final int port, final String contentType, final String body) {
        return "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "User-Agent: mosquitto-2.0.0\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Accept-Encoding: gzip\r\n"
                + "\r\n" + body;
    }

    static Response send(final int port, final String request) {
        return send(port, request.getBytes(StandardCharsets.UTF_8));
    }

    static Response send(final int port, final byte[] request) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            final OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code request} (several pipelined requests) and reads {@code count} responses on one connection. */
    static java.util.List<Response> sendAll(final int port, final byte[] requests, final int count) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(requests);
            socket.getOutputStream().flush();
            final InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            final java.util.List<Response> out = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                out.add(read(in));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response read(final InputStream in) throws IOException {
        final String statusLine = line(in);
        final String[] parts = statusLine.split(" ", 3);
        final int status = Integer.parseInt(parts[1]);
        final Map<String, String> headers = new LinkedHashMap<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            final int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = Integer.parseInt(line(in).trim(), 16); size > 0; size = Integer.parseInt(line(in).trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else {
            final int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
            body.write(in.readNBytes(length));
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(final InputStream in) throws IOException {
        final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.ISO_8859_1);
    }
}
