package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.caravan.common.FreePorts;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mqtt-acl-http component on its own (plain Camel context, real sockets): what an exchange
 * sees of a request, what goes back, and the HTTP edge cases the callback routes rely on.
 */
class CallbackHttpComponentTest {

    private CamelContext camel;
    private int port;
    private final Map<String, Object> seen = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        port = FreePorts.next();
        camel = new DefaultCamelContext();
        final CallbackHttpComponent component = new CallbackHttpComponent();
        component.setMaxBodySize(64);
        component.setWorkerPoolSize(2);
        component.setEventLoops(1);
        camel.getRegistry().bind("mqtt-acl-http", component);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-acl-http://127.0.0.1:" + port + "/echo?httpMethodRestrict=POST").routeId("echo")
                        .process(e -> {
                            seen.putAll(e.getMessage().getHeaders());
                            final String body = new String(e.getMessage().getBody(byte[].class), StandardCharsets.UTF_8);
                            e.getMessage().getHeaders().clear();
                            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, body.startsWith("deny") ? 403 : 200);
                            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
                            e.getMessage().setBody("got " + body + " ü");
                        });
                from("mqtt-acl-http://127.0.0.1:" + port + "/empty?httpMethodRestrict=POST,put").routeId("empty")
                        .process(e -> e.getMessage().setBody(null));
                from("mqtt-acl-http://127.0.0.1:" + port + "/boom").routeId("boom")
                        .throwException(new IllegalStateException("boom"));
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private static String post(final String path, final String body, final String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + String.join("", headers.length == 0 ? new String[0] : headers)
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    @Test
    void theRouteSeesBodyContentTypeAndMethodButNoOtherRequestHeader() {
        final var r = RawHttp.send(port, post("/echo", "hello", "Authorization: Basic ZDE6c2VjcmV0\r\n",
                "Content-Type: application/x-www-form-urlencoded\r\n", "X-Forwarded-For: 1.2.3.4\r\n"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("content-type")).isEqualTo("text/plain");
        assertThat(r.body()).isEqualTo("got hello ü");
        assertThat(seen).containsEntry(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded")
                .containsEntry(Exchange.HTTP_METHOD, "POST").containsEntry(Exchange.HTTP_URI, "/echo")
                .doesNotContainKeys("Authorization", "authorization", "X-Forwarded-For", "Host");
    }

    @Test
    void theStatusComesFromTheExchange() {
        assertThat(RawHttp.send(port, post("/echo", "deny me")).status()).isEqualTo(403);
    }

    @Test
    void noResponseCodeIs200AndANullBodyIsEmpty() {
        final var r = RawHttp.send(port, post("/empty", "x"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers()).containsEntry("content-length", "0").doesNotContainKey("content-type");
        assertThat(RawHttp.send(port, "PUT /empty HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status()).isEqualTo(200);
    }

    @Test
    void unknownPathIs404AndOtherMethodsAre405() {
        assertThat(RawHttp.send(port, post("/nope", "x")).status()).isEqualTo(404);
        assertThat(RawHttp.send(port, post("/echo/more", "x")).status()).isEqualTo(404);
        final var get = RawHttp.send(port, "GET /echo HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(get.status()).isEqualTo(405);
        assertThat(get.headers()).containsEntry("allow", "POST");
        assertThat(RawHttp.send(port, "DELETE /empty HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(405);
    }

    @Test
    void aBodyAboveMaxBodySizeIs413WhetherDeclaredOrChunked() {
        assertThat(RawHttp.send(port, post("/echo", "x".repeat(64))).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, post("/echo", "x".repeat(65))).status()).isEqualTo(413);
        final String chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "28\r\n" + "y".repeat(40) + "\r\n28\r\n" + "y".repeat(40) + "\r\n0\r\n\r\n";
        assertThat(RawHttp.send(port, chunked).status()).isEqualTo(413);
        seen.clear();
        final String small = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        final var ok = RawHttp.send(port, small);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("got abcde ü");
    }

    @Test
    void aFailingRouteIs500WithAnEmptyBody() {
        final var r = RawHttp.send(port, post("/boom", "x"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void keepAliveServesPipelinedRequestsInOrder() {
        final String requests = post("/echo", "a") + post("/echo", "deny b") + post("/echo", "c");
        final List<RawHttp.Response> responses = RawHttp.sendAll(port, requests.getBytes(StandardCharsets.UTF_8), 3);
        assertThat(responses).extracting(RawHttp.Response::status).containsExactly(200, 403, 200);
        assertThat(responses).extracting(RawHttp.Response::body).containsExactly("got a ü", "got deny b ü", "got c ü");
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(post("/echo", "a", "Connection: close\r\n").getBytes(StandardCharsets.UTF_8));
            final InputStream in = socket.getInputStream();
            // readAllBytes returns only once the server has closed the connection (else SocketTimeoutException)
            final String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(all).startsWith("HTTP/1.1 200").endsWith("got a ü");
        }
    }

    @Test
    void stoppingEveryRouteOfAPortFreesItAndStartingAgainListensAgain() throws Exception {
        for (final String id : List.of("echo", "empty", "boom")) {
            camel.getRouteController().stopRoute(id);
        }
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
        camel.getRouteController().startRoute("echo");
        assertThat(RawHttp.send(port, post("/echo", "again")).body()).isEqualTo("got again ü");
        assertThat(RawHttp.send(port, post("/empty", "x")).status()).isEqualTo(404);
    }

    @Test
    void twoRoutesOnOnePathRefuseToStart() {
        assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("mqtt-acl-http://127.0.0.1:" + port + "/echo").routeId("echo-twice").log("never");
            }
        })).hasStackTraceContaining("two routes consume");
    }

    @Test
    void anEndpointWithoutPortIsRefused() {
        assertThatThrownBy(() -> camel.getEndpoint("mqtt-acl-http://127.0.0.1/x")).hasStackTraceContaining("host:port");
    }
}
