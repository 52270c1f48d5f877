package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import io.caravan.common.CaravanBootTest;
import io.caravan.common.RealBrokers;
import io.caravan.mqttacl.RedisRegistry;
import io.caravan.wsticket.ConnectionRegistry;
import org.apache.camel.CamelContext;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The events-fanout flow in the whole gateway: real RabbitMQ, Redis (device registry), Mosquitto,
 * OIDC tokens, ws-ticket handshakes and real WebSocket clients.
 */
@CaravanBootTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EventsFanoutRouteTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @LocalServerPort
    int httpPort;


    @Autowired
    CamelContext camel;

    private final List<EventClient> clients = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void closeAll() throws Exception {
        for (final EventClient c : clients) {
            c.resume();
            c.closeBlocking();
        }
        for (final AutoCloseable c : closeables) {
            c.close();
        }
    }

    private EventClient tab(final String user) throws InterruptedException {
        // the supervised /ws/events route may be (re)starting: retry the handshake (a new ticket each time)
        final EventClient[] opened = new EventClient[1];
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> (opened[0] = EventClient.open("http://127.0.0.1:" + httpPort, EventClient.wsBase(camel), user)) != null);
        final EventClient client = opened[0];
        clients.add(client);
        await().atMost(WAIT).until(() -> registry().connectionsOf(user).size() >= clients.stream().filter(c -> c.subject.equals(user)).count());
        return client;
    }

    private Publisher publisher() {
        final Publisher p = new Publisher("caravan.events");
        closeables.add(p);
        return p;
    }

    private ConnectionRegistry registry() {
        return camel.getRegistry().lookupByNameAndType("wsTicketConnections", ConnectionRegistry.class);
    }

    private FanoutService fanout() {
        return camel.getRegistry().lookupByNameAndType("eventsFanout", FanoutService.class);
    }

    private RedisRegistry devices() {
        return camel.getRegistry().lookupByNameAndType("mqttAclRegistry", RedisRegistry.class);
    }

    private String user(final String name) {
        return "ef-" + name + "-" + run;
    }

    /** Publishes a broadcast marker and waits until every client has it: all earlier events have arrived too (per-socket order). */
    private void barrier(final Publisher publisher, final List<EventClient> all) throws Exception {
        final String marker = "broadcast.marker" + UUID.randomUUID().toString().substring(0, 6);
        publisher.publish(marker, "{}");
        await().atMost(WAIT).untilAsserted(() -> all.forEach(c -> assertThat(c.withKey(marker)).as(c.subject).hasSize(1)));
    }

    @Test
    @Order(1)
    void routesByUserDeviceOwnershipAndBroadcastToEveryTabWithoutLeakage() throws Exception {
        final String alice = user("alice");
        final String bob = user("bob");
        final String carol = user("carol");
        final String device = "lamp-" + run;
        devices().register(device, false, List.of(alice, bob));
        final EventClient alice1 = tab(alice);
        final EventClient alice2 = tab(alice);
        final EventClient bobTab = tab(bob);
        final EventClient carolTab = tab(carol);
        final Publisher publisher = publisher();

        publisher.publish("users." + alice + ".order_shipped", "{\"order\":42}");
        publisher.publish("users." + carol + ".notice", "plain text");
        publisher.publish("devices." + device + ".state", "{\"on\":true}");
        publisher.publish("devices.nobody-owns-" + run + ".state", "{}");
        publisher.publish("users." + user("dave") + ".notice", "{}");
        publisher.publish("broadcast.maintenance", "{\"at\":\"05:00\"}");
        publisher.publish("orders.1.created", "{}");
        barrier(publisher, List.of(alice1, alice2, bobTab, carolTab));

        for (final EventClient tab : List.of(alice1, alice2)) {
            assertThat(tab.withKey("users." + alice + ".order_shipped")).singleElement().satisfies(e -> {
                assertThat(e.path("type").asText()).isEqualTo("order_shipped");
                assertThat(e.path("payload").path("order").asInt()).isEqualTo(42);
                assertThat(e.path("ts").asText()).isNotBlank();
            });
            assertThat(tab.withKey("devices." + device + ".state")).hasSize(1);
            assertThat(tab.withKey("broadcast.maintenance")).hasSize(1);
            assertThat(tab.frames).as("alice sees only her events").hasSize(4);
        }
        assertThat(bobTab.withKey("devices." + device + ".state")).singleElement()
                .satisfies(e -> assertThat(e.path("payload").path("on").asBoolean()).isTrue());
        assertThat(bobTab.frames).as("bob: device, broadcast, marker").hasSize(3);
        assertThat(carolTab.withKey("users." + carol + ".notice")).singleElement()
                .satisfies(e -> assertThat(e.path("payload").asText()).isEqualTo("plain text"));
        assertThat(carolTab.frames).as("carol: her notice, broadcast, marker").hasSize(3);
    }

    @Test
    @Order(2)
    void closingATabRemovesItFromTheIndexAndTheOtherTabStillGetsEvents() throws Exception {
        final String alice = user("alice");
        final EventClient first = tab(alice);
        final EventClient second = tab(alice);
        final Publisher publisher = publisher();
        publisher.publish("users." + alice + ".one", "1");
        await().atMost(WAIT).until(() -> first.withKey("users." + alice + ".one").size() == 1 && second.withKey("users." + alice + ".one").size() == 1);

        first.closeBlocking();
        await().atMost(WAIT).until(() -> registry().connectionsOf(alice).size() == 1);
        publisher.publish("users." + alice + ".two", "2");
        await().atMost(WAIT).until(() -> second.withKey("users." + alice + ".two").size() == 1);
        assertThat(first.withKey("users." + alice + ".two")).isEmpty();
        fanout().sweep();
        await().atMost(WAIT).until(() -> {
            fanout().sweep();
            return fanout().stats().sockets() <= registry().size();
        });
    }

    @Test
    @Order(3)
    void aStalledClientNeitherDelaysOthersNorGrowsWithoutBound() throws Exception {
        final EventClient slow = tab(user("slow"));
        final EventClient fast = tab(user("fast"));
        final Publisher publisher = publisher();
        final String padding = "x".repeat(16 * 1024);
        final long droppedBefore = fanout().stats().dropped();
        slow.stall();
        final int events = 2500;
        // Published in batches smaller than a socket's buffer (256 events), each once the fast client has read the
        // last: a reader that keeps up is never more than a buffer behind, so drop-oldest may never touch it, however
        // busy the machine (unpaced, a fast client starved of CPU for a moment could lag by more than its buffer
        // plus its socket's kernel buffers and lose frames legitimately). The stalled client gets every event.
        final int batch = 100;
        for (int sent = 0; sent < events; ) {
            final int end = Math.min(events, sent + batch);
            for (int i = sent; i < end; i++) {
                publisher.publish("broadcast.tick", "{\"i\":" + i + ",\"pad\":\"" + padding + "\"}");
            }
            sent = end;
            final int expected = sent;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fast.countWithKey("broadcast.tick"))
                    .as("events the fast client read of the %d published (dropped so far: %d)", expected, fanout().stats().dropped() - droppedBefore)
                    .isEqualTo(expected));
        }
        assertThat(fast.withKey("broadcast.tick").stream().map(n -> n.path("payload").path("i").asInt()).toList())
                .as("the fast client got every event, in order, none dropped").containsExactlyElementsOf(IntStream.range(0, events).boxed().toList());
        assertThat(slow.frames.size()).as("the stalled client has read (almost) nothing").isLessThan(5);
        assertThat(fanout().stats().dropped() - droppedBefore).as("frames dropped for the stalled client").isPositive();

        slow.resume();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            final List<com.fasterxml.jackson.databind.JsonNode> ticks = slow.withKey("broadcast.tick");
            return !ticks.isEmpty() && ticks.get(ticks.size() - 1).path("payload").path("i").asInt() == events - 1;
        });
        final List<Integer> seen = slow.withKey("broadcast.tick").stream().map(n -> n.path("payload").path("i").asInt()).toList();
        assertThat(seen).as("drop-oldest: in order, the newest kept, some lost").isSorted().hasSizeLessThan(events);
        assertThat(slow.isOpen()).isTrue();
    }

    @Test
    @Order(4)
    void deviceStateFromMqttReachesTheOwnersOnly() throws Exception {
        final String owner = user("owner");
        final String other = user("other");
        final String device = "sensor-" + run;
        devices().register(device, false, List.of(owner));
        final EventClient ownerTab = tab(owner);
        final EventClient otherTab = tab(other);
        final MqttClient mqtt = mqtt("device-" + run);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            mqtt.publish("devices/" + device + "/state", new MqttMessage("{\"t\":21.5}".getBytes(StandardCharsets.UTF_8), 1, false, null));
            assertThat(ownerTab.withKey("devices." + device + ".state")).isNotEmpty();
        });
        assertThat(ownerTab.withKey("devices." + device + ".state").get(0).path("payload").path("t").asDouble()).isEqualTo(21.5);
        barrier(publisher(), List.of(ownerTab, otherTab));
        assertThat(otherTab.withKey("devices." + device + ".state")).isEmpty();
    }

    @Test
    @Order(5)
    void anOwnersCommandIsPublishedAtQos1AndANonOwnersIsRefused() throws Exception {
        final String owner = user("cmd-owner");
        final String stranger = user("cmd-stranger");
        final String device = "valve-" + run;
        devices().register(device, false, List.of(owner));
        final EventClient ownerTab = tab(owner);
        final EventClient strangerTab = tab(stranger);
        final MqttClient deviceClient = mqtt("dev-" + run);
        final List<MqttMessage> commands = new CopyOnWriteArrayList<>();
        final List<String> topics = new CopyOnWriteArrayList<>();
        final IMqttToken sub = deviceClient.subscribe(new org.eclipse.paho.mqttv5.common.MqttSubscription[] {
                new org.eclipse.paho.mqttv5.common.MqttSubscription("devices/+/commands", 1)}, new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
                (topic, message) -> {
                    topics.add(topic);
                    commands.add(message);
                }});
        sub.waitForCompletion(5000);

        // a stranger, over the real socket
        command(stranger, strangerTab, "{\"deviceId\":\"" + device + "\",\"command\":\"open\"}");
        await().atMost(WAIT).until(() -> !strangerTab.ofType("error").isEmpty());
        assertThat(strangerTab.ofType("error").get(0).path("status").asInt()).isEqualTo(403);
        command(stranger, strangerTab, "{\"deviceId\":\"a/b\",\"command\":\"open\"}");
        await().atMost(WAIT).until(() -> strangerTab.ofType("error").size() == 2);
        assertThat(strangerTab.ofType("error").get(1).path("status").asInt()).isEqualTo(400);
        // anything that is not a command goes back to ws-ticket's own answer
        command(stranger, strangerTab, "whoami");
        await().atMost(WAIT).until(() -> strangerTab.ofType("whoami").size() == 1);
        assertThat(strangerTab.ofType("whoami").get(0).path("subject").asText()).isEqualTo(stranger);

        // the owner
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            command(owner, ownerTab, "{\"deviceId\":\"" + device + "\",\"command\":{\"valve\":\"close\"}}");
            assertThat(ownerTab.ofType("command.accepted")).isNotEmpty();
        });
        await().atMost(WAIT).until(() -> !commands.isEmpty());
        assertThat(topics).containsOnly("devices/" + device + "/commands");
        assertThat(new String(commands.get(0).getPayload(), StandardCharsets.UTF_8)).isEqualTo("{\"valve\":\"close\"}");
        assertThat(commands.get(0).getQos()).isEqualTo(1);
        // the owner is never refused; the only errors allowed are "broker not connected yet" (503) from the
        // retries above while the gateway's MQTT client was still connecting on a busy machine
        assertThat(ownerTab.ofType("error")).allSatisfy(e -> assertThat(e.path("status").asInt()).isEqualTo(503));
        assertThat(strangerTab.ofType("command.accepted")).isEmpty();
        assertThat(ownerTab.ofType("whoami")).isEmpty();
    }

    /** A text message on the client's own socket, as a browser sends it (ws-ticket admits it, events-fanout takes it). */
    private void command(final String subject, final EventClient tab, final String text) {
        assertThat(registry().connectionsOf(subject)).isNotEmpty();
        assertThat(tab.isOpen()).isTrue();
        tab.send(text);
    }

    private MqttClient mqtt(final String clientId) throws Exception {
        final MqttClient client = new MqttClient(RealBrokers.get().mqttUrl(), clientId, null);
        final MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        client.connect(options);
        closeables.add(() -> {
            client.disconnect();
            client.close();
        });
        return client;
    }
}
