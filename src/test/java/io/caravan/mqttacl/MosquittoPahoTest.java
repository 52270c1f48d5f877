package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.caravan.common.CaravanBootTest;
import io.caravan.common.FreePorts;
import io.caravan.common.ProjectDir;
import org.apache.camel.CamelContext;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A real Mosquitto that asks the gateway's callbacks (through a test plugin speaking
 * mosquitto-auth-plug's exact HTTP protocol, compiled here with gcc against mosquitto-dev, libmosquitto-dev and
 * libcurl), and real Paho MQTT 5 clients: a device with its secret over TCP, a web user with an
 * MQTT token over WebSockets.
 */
@CaravanBootTest
class MosquittoPahoTest {

    @Autowired
    CamelContext camel;

    // per class (not PER_CLASS lifecycle: the brokers must be up before the Spring context)
    static Process mosquitto;
    static Path dir;
    RedisRegistry registry;
    int mqttPort;
    int wsPort;

    /** Started from the test (Camel starts its routes only once the test methods run). */
    void startMosquitto() throws Exception {
        registry = camel.getRegistry().lookupByNameAndType("mqttAclRegistry", RedisRegistry.class);
        final int callbackPort = RawHttp.callbackPort(camel);
        dir = Files.createDirectories(ProjectDir.resolve("target/mqtt-acl-mosquitto"));
        final Path plugin = dir.resolve("http-auth-fixture.so");
        final Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-o", plugin.toString(),
                ProjectDir.resolve("src/test/resources/mqtt-acl/http-auth-fixture.c").toString(), "-lcurl")
                .redirectErrorStream(true).start();
        final String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as("gcc (needs: apt-get install -y mosquitto-dev libmosquitto-dev libcurl4-openssl-dev)\n%s", gccOut).isZero();
        mqttPort = FreePorts.next();
        wsPort = FreePorts.next();
        final Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "user " + System.getProperty("user.name"),
                "per_listener_settings false",
                "allow_anonymous false",
                "persistence false",
                "log_dest file " + dir.resolve("mosquitto.log"),
                "log_type all",
                "auth_plugin " + plugin,
                "auth_opt_http_base http://127.0.0.1:" + callbackPort,
                "listener " + mqttPort + " 127.0.0.1",
                "socket_domain ipv4",
                "protocol mqtt",
                "listener " + wsPort + " 127.0.0.1",
                "socket_domain ipv4",
                "protocol websockets", ""));
        mosquitto = new ProcessBuilder("mosquitto", "-c", conf.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        Awaitility.await("mosquitto listening").atMost(Duration.ofSeconds(20)).until(() -> open(mqttPort) && open(wsPort));
    }

    @AfterAll
    static void stopMosquitto() throws InterruptedException {
        if (mosquitto != null) {
            mosquitto.destroy();
            mosquitto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean open(final int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private MqttClient connect(final String url, final String clientId, final String user, final String password) throws MqttException {
        final MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        final MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName(user);
        options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        options.setCleanStart(true);
        client.connect(options);
        return client;
    }

    private static int subscribe(final MqttClient client, final String filter, final BlockingQueue<String> into) throws MqttException {
        final IMqttMessageListener listener = (topic, message) -> into.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
        final IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)},
                new IMqttMessageListener[] {listener});
        return token.getReasonCodes()[0];
    }

    private static String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void deviceAndWebUserThroughARealMosquitto() throws Exception {
        startMosquitto();
        registry.unregister("pd1");
        registry.unregister("pd2");
        final String secret = registry.register("pd1", true, List.of("web-alice"));
        registry.register("pd2", true, List.of("web-bob"));
        final String token = registry.issueToken("web-alice", "mqtt_", 300);

        // wrong secret and empty password are refused at CONNECT
        assertThatThrownBy(() -> connect("tcp://127.0.0.1:" + mqttPort, "pd1", "pd1", "wrong")).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect("tcp://127.0.0.1:" + mqttPort, "pd1", "pd1", "")).isInstanceOf(MqttException.class);

        final MqttClient device = connect("tcp://127.0.0.1:" + mqttPort, "pd1", "pd1", secret);
        // the old form (token as username) is refused: Mosquitto would log the token with every connection
        final String another = registry.issueToken("web-alice", "mqtt_", 300);
        assertThatThrownBy(() -> connect("ws://127.0.0.1:" + wsPort, "web-alice-0", another, "x")).isInstanceOf(MqttException.class);
        // user id as username, token as password; another user's id with alice's token is refused
        assertThatThrownBy(() -> connect("ws://127.0.0.1:" + wsPort, "web-bob-0", "web-bob", token)).isInstanceOf(MqttException.class);
        final MqttClient browser = connect("ws://127.0.0.1:" + wsPort, "web-alice-1", "web-alice", token);
        try {
            final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            assertThat(subscribe(browser, "devices/pd1/state", seen)).as(log()).isLessThan(0x80);
            // Paho dispatches locally to every matching listener, so denied filters get their own queue
            final BlockingQueue<String> denied = new LinkedBlockingQueue<>();
            assertThat(subscribe(browser, "devices/+/state", denied)).as("wildcard over others' devices").isGreaterThanOrEqualTo(0x80);
            assertThat(subscribe(browser, "devices/pd2/state", denied)).as("bob's device").isGreaterThanOrEqualTo(0x80);
            assertThat(subscribe(browser, "#", denied)).isGreaterThanOrEqualTo(0x80);

            final BlockingQueue<String> commands = new LinkedBlockingQueue<>();
            assertThat(subscribe(device, "devices/pd1/commands/#", commands)).isLessThan(0x80);
            assertThat(subscribe(device, "devices/pd2/commands/#", commands)).isGreaterThanOrEqualTo(0x80);

            // the device may not publish as another device; then publishes its own state
            device.publish("devices/pd2/state", "spoofed".getBytes(StandardCharsets.UTF_8), 1, false);
            device.publish("devices/pd1/state", "on".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(seen.poll(10, TimeUnit.SECONDS)).as(log()).isEqualTo("devices/pd1/state on");

            // the owner commands the device
            browser.publish("devices/pd1/commands/reboot", "now".getBytes(StandardCharsets.UTF_8), 1, false);
            assertThat(commands.poll(10, TimeUnit.SECONDS)).isEqualTo("devices/pd1/commands/reboot now");
            assertThat(seen).as("the spoofed state never reached the owner").isEmpty();
            assertThat(denied).allMatch(m -> m.equals("devices/pd1/state on"));
        } finally {
            device.disconnect();
            browser.disconnect();
        }

        // a revoked token cannot connect any more
        assertThat(registry.revokeToken(token, "web-alice")).isTrue();
        assertThatThrownBy(() -> connect("ws://127.0.0.1:" + wsPort, "web-alice-2", "web-alice", token)).isInstanceOf(MqttException.class);
        assertThat(log()).contains("client id not available");
        assertThat(log()).as("Mosquitto's log").contains("web-alice").doesNotContain(token.substring("mqtt_".length()));
    }
}
