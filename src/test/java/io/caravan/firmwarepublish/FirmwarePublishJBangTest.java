package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.caravan.common.FreePorts;
import io.caravan.common.JBangFlow;
import io.caravan.common.ProjectDir;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** routes/firmware-publish alone under Camel JBang's runtime: upload, apt-get from its /apt, retained MQTT notification. */
@ExtendWith(RealBrokersExtension.class)
class FirmwarePublishJBangTest {

    /**
     * The properties `camel run` needs besides the flow's own file: the oauth2 verifier's settings
     * (routes/oauth2/application.properties, which the gateway imports too), the brokers, the dirs.
     */
    static Map<String, String> runProperties(final RealBrokers brokers, final Path base, final int port) throws java.io.IOException {
        final Map<String, String> props = new LinkedHashMap<>();
        final java.util.Properties oauth2 = new java.util.Properties();
        try (var in = Files.newInputStream(ProjectDir.resolve("routes/oauth2/application.properties"))) {
            oauth2.load(in);
        }
        oauth2.stringPropertyNames().stream().filter(k -> k.startsWith("oauth2.")).sorted()
                .forEach(k -> props.put(k, oauth2.getProperty(k)));
        props.put("oauth2.issuer.caravan.uri", brokers.oidcIssuer());
        props.put("firmware-publish.dir.base", base.toString());
        props.put("firmware-publish.apt.public-url", "http://127.0.0.1:" + port + "/apt");
        props.put("camel.component.paho-mqtt5.broker-url", brokers.mqttUrl());
        props.put("camel.beans.firmwarePublishRabbit", "#class:org.springframework.amqp.rabbit.connection.CachingConnectionFactory");
        props.put("camel.beans.firmwarePublishRabbit.host", brokers.host());
        props.put("camel.beans.firmwarePublishRabbit.port", String.valueOf(brokers.amqpPort()));
        props.put("camel.beans.firmwarePublishRabbit.username", "guest");
        props.put("camel.beans.firmwarePublishRabbit.password", "guest");
        props.put("camel.component.spring-rabbitmq.connection-factory", "#bean:firmwarePublishRabbit");
        return props;
    }

    @Test
    void flowRunsAloneUnderCamelJBang() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final Path work = Files.createDirectories(ProjectDir.resolve("target/fp/jbang-" + UUID.randomUUID().toString().substring(0, 8)));
        final int port = FreePorts.next();
        try (JBangFlow flow = JBangFlow.start("firmware-publish", port, runProperties(brokers, work.resolve("data"), port))) {
            final String base = "http://127.0.0.1:" + port;
            final Path deb = Debs.build(work, "fw-jbang", "0.9.1", "amd64", "zstd", 2000);
            final HttpClient http = HttpClient.newHttpClient();
            final HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/api/firmware")).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofFile(deb));
            assertThat(http.send(post.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as(flow.log()).isEqualTo(401);
            final HttpResponse<String> created = http.send(post.header("Authorization", "Bearer " + FirmwarePublishRouteTest.token(null)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body() + "\n" + flow.log()).isEqualTo(201);
            assertThat(created.body()).contains("\"url\":\"" + base + "/apt/pool/main/f/fw-jbang/fw-jbang_0.9.1_amd64.deb\"");

            final HttpResponse<byte[]> key = http.send(HttpRequest.newBuilder(URI.create(base + "/apt/caravan-firmware.gpg")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(key.statusCode()).as(flow.log()).isEqualTo(200);
            final IsolatedApt apt = new IsolatedApt(work.resolve("apt"), base + "/apt", "stable",
                    Files.write(work.resolve("key.gpg"), key.body()));
            final IsolatedApt.Result update = apt.run("update");
            assertThat(update.exit()).as(update.output()).isZero();
            assertThat(apt.run("install", "--simulate", "fw-jbang").output()).contains("Inst fw-jbang (0.9.1 ");

            final List<MqttMessage> received = new CopyOnWriteArrayList<>();
            final MqttClient device = new MqttClient(brokers.mqttUrl(), "fw-jbang-" + UUID.randomUUID(), new MemoryPersistence());
            try {
                device.connect();
                // (Paho 1.2.5's subscribe(String, int, listener) recurses forever: use the array form)
                device.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                    new org.eclipse.paho.mqttv5.common.MqttSubscription("firmware/fw-jbang", 1)},
                        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> received.add(message)})
                        .waitForCompletion(10_000);
                Awaitility.await("retained notification").atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
            } finally {
                device.disconnect();
                device.close();
            }
            assertThat(received.get(0).isRetained()).isTrue();
            assertThat(new String(received.get(0).getPayload())).contains("\"package\":\"fw-jbang\"", "\"version\":\"0.9.1\"");
            assertThat(flow.log()).doesNotContain("notification firmware-publish-notify-amqp failed");
        } finally {
            // the flow's gpg-agent outlives the killed JVM: stop it (only this test's home)
            new ProcessBuilder("gpgconf", "--homedir", GpgSigner.shortHome(work.resolve("data/state/gnupg")).toString(), "--kill",
                    "gpg-agent").inheritIO().start().waitFor();
        }
    }
}
