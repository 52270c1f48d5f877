package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import io.caravan.common.CaravanBootTest;
import io.caravan.common.HttpTestClient;
import io.caravan.common.ProjectDir;
import io.caravan.common.RealBrokers;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The whole gateway over real HTTP: tokens from the real dev issuer, real dpkg-deb fixtures, a real
 * isolated apt-get against the gateway's /apt, a real MQTT 5 subscriber and a real AMQP consumer.
 */
@CaravanBootTest
class FirmwarePublishRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path work;

    @LocalServerPort
    int port;

    @BeforeAll
    static void workDir() throws Exception {
        work = Files.createDirectories(ProjectDir.resolve("target/fp/route-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    static String token(final String scope) {
        String form = "grant_type=client_credentials&client_id=caravan-admin&client_secret=dev";
        if (scope != null) {
            form += "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
        }
        final HttpResponse<String> response = HttpTestClient.send(HttpRequest.newBuilder(
                URI.create(RealBrokers.get().oidcIssuer() + "/token")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build());
        try {
            return JSON.readTree(response.body()).path("access_token").asText();
        } catch (Exception e) {
            throw new IllegalStateException(response.body(), e);
        }
    }

    private HttpResponse<String> upload(final byte[] deb, final String token) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/api/firmware")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/vnd.debian.binary-package").POST(HttpRequest.BodyPublishers.ofByteArray(deb));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HttpTestClient.send(request.build());
    }

    private HttpResponse<String> upload(final Path deb) throws Exception {
        return upload(Files.readAllBytes(deb), token(null));
    }

    private static JsonNode json(final HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void refusesCallersWithoutTokenOrScope() throws Exception {
        final byte[] deb = Files.readAllBytes(Debs.build(work, "fw-auth", "1.0", "amd64", "gzip", 100));
        assertThat(upload(deb, null).statusCode()).isEqualTo(401);
        assertThat(upload(deb, token("whoami")).statusCode()).isEqualTo(403);
        assertThat(HttpTestClient.get(base() + "/apt/dists/stable/main/binary-amd64/Packages").body()).doesNotContain("fw-auth");
    }

    @Test
    void publishesOverHttpAndAptInstallsFromTheGatewayBeforeAndAfterAnUpgrade() throws Exception {
        final Path v1 = Debs.build(work, "fw-gw", "1.0.0", "amd64", "xz", 3000);
        final HttpResponse<String> created = upload(v1);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        final JsonNode body = json(created);
        assertThat(body.path("status").asText()).isEqualTo("published");
        assertThat(body.path("package").asText()).isEqualTo("fw-gw");
        assertThat(body.path("version").asText()).isEqualTo("1.0.0");
        assertThat(body.path("architecture").asText()).isEqualTo("amd64");
        assertThat(body.path("sha256").asText()).isEqualTo(DebPackageInspector.digests(v1)[0]);
        assertThat(body.path("size").asLong()).isEqualTo(Files.size(v1));
        assertThat(body.path("url").asText()).endsWith("/apt/pool/main/f/fw-gw/fw-gw_1.0.0_amd64.deb");
        assertThat(created.headers().firstValue("Authorization")).isEmpty();

        final HttpResponse<String> again = upload(v1);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).path("status").asText()).isEqualTo("unchanged");

        final HttpResponse<byte[]> key = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(base() + "/apt/caravan-firmware.gpg")).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(key.statusCode()).isEqualTo(200);
        final Path keyFile = Files.write(work.resolve("gw-key.gpg"), key.body());
        final IsolatedApt apt = new IsolatedApt(work.resolve("apt-gw"), base() + "/apt", "stable", keyFile);
        IsolatedApt.Result update = apt.run("update");
        assertThat(update.exit()).as(update.output()).isZero();
        assertThat(update.output()).doesNotContain("W:", "E:");
        assertThat(apt.run("download", "fw-gw").exit()).isZero();
        assertThat(DebPackageInspector.digests(apt.downloads().resolve("fw-gw_1.0.0_amd64.deb"))[0]).isEqualTo(DebPackageInspector.digests(v1)[0]);
        assertThat(apt.run("install", "--simulate", "fw-gw").output()).contains("Inst fw-gw (1.0.0 ");

        final HttpResponse<String> upgraded = upload(Debs.build(work, "fw-gw", "1.1.0", "amd64", "gzip", 3000));
        assertThat(upgraded.statusCode()).as(upgraded.body()).isEqualTo(201);
        update = apt.run("update");
        assertThat(update.exit()).as(update.output()).isZero();
        assertThat(apt.run("install", "--simulate", "fw-gw").output()).contains("Inst fw-gw (1.1.0 ");
        assertThat(apt.run("download", "fw-gw").exit()).isZero();
        assertThat(apt.downloads().resolve("fw-gw_1.1.0_amd64.deb")).exists();
    }

    @Test
    void badInputsAreProblemJsonNamingTheProblemAndLeaveTheRepositoryUnchanged() throws Exception {
        final Path published = Debs.build(work, "fw-bad", "2.0", "amd64", "gzip", 2000);
        assertThat(upload(published).statusCode()).isEqualTo(201);
        final String inRelease = HttpTestClient.get(base() + "/apt/dists/stable/InRelease").body();
        final byte[] good = Files.readAllBytes(Debs.build(work, "fw-bad", "3.0", "amd64", "gzip", 2000));
        final List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {"not ar", "just some text".getBytes(StandardCharsets.UTF_8), 400, "not-a-deb", "not an ar archive"});
        cases.add(new Object[] {"truncated", Arrays.copyOf(good, good.length / 2), 400, "truncated", "truncated"});
        cases.add(new Object[] {"missing field", Debs.handmade("2.0\n", "control.tar.gz",
                "Package: fw-bad\nVersion: 4.0\nArchitecture: amd64\nDescription: d\n", true), 400, "missing-field", "no Maintainer field"});
        cases.add(new Object[] {"malformed field", Debs.handmade("2.0\n", "control.tar.gz",
                "Package: fw-bad\nVersion: 4.0\nArchitecture: amd64\nMaintainer: someone\nDescription: d\n", true), 400, "bad-maintainer",
                "Maintainer 'someone'"});
        cases.add(new Object[] {"bad version", Debs.handmade("2.0\n", "control.tar.gz", Debs.control("fw-bad", "v4", "amd64"), true),
                400, "bad-version", "must start with a digit"});
        cases.add(new Object[] {"downgrade", Files.readAllBytes(Debs.build(work, "fw-bad", "1.9", "amd64", "gzip", 2000)), 409,
                "downgrade", "lower than the published version 2.0"});
        cases.add(new Object[] {"same version, other bytes", Files.readAllBytes(Debs.build(work, "fw-bad", "2.0", "amd64", "gzip", 2000, 9)),
                409, "version-exists", "already published with different contents"});
        cases.add(new Object[] {"wrong architecture", Files.readAllBytes(Debs.build(work, "fw-bad", "5.0", "s390x", "gzip", 100)), 422,
                "architecture-not-allowed", "'s390x' is not accepted"});
        cases.add(new Object[] {"oversized", Files.readAllBytes(Debs.build(work, "fw-bad", "6.0", "amd64", "none", 4_100_000)), 413,
                "too-large", "limit"});
        cases.add(new Object[] {"empty", new byte[0], 400, "empty-body", "empty"});
        cases.add(new Object[] {"a field the repository computes", Debs.handmade("2.0\n", "control.tar.gz", Debs.control("fw-bad", "7.0", "amd64")
                + "Filename: pool/main/f/fw-bad/../../../../../etc/passwd\n", true), 400, "computed-field", "control file sets 'Filename'"});
        cases.add(new Object[] {"tar entry flood", Debs.withData("fw-bad", "8.0", "data.tar.gz", Debs.tarGzOfEntries(20_000)), 413,
                "too-many-entries", "(limit firmware-publish.limits.max-tar-entries)"});
        cases.add(new Object[] {"lzma dictionary bomb", Debs.withData("fw-bad", "8.0", "data.tar.lzma", Debs.lzmaWithDictionary(0x7FFFFFF0)),
                413, "xz-memory-limit", "(firmware-publish.limits.xz-memory-kib)"});
        for (final Object[] c : cases) {
            final HttpResponse<String> response = upload((byte[]) c[1], token(null));
            assertThat(response.statusCode()).as(c[0] + ": " + response.body()).isEqualTo(c[2]);
            assertThat(response.headers().firstValue("Content-Type")).as(c[0].toString()).hasValue("application/problem+json");
            final JsonNode problem = json(response);
            assertThat(problem.path("status").asInt()).isEqualTo(c[2]);
            assertThat(problem.path("code").asText()).as(c[0] + ": " + response.body()).isEqualTo(c[3]);
            assertThat(problem.path("detail").asText()).as(c[0].toString()).contains((String) c[4]);
        }
        assertThat(HttpTestClient.get(base() + "/apt/dists/stable/InRelease").body()).isEqualTo(inRelease);
    }

    @Test
    void buildsTheNextVersionFromAPackageTreeAndPublishesIt() throws Exception {
        final String control = "Package: fw-built\nArchitecture: arm64\nMaintainer: Caravan Firmware Team <firmware@caravan.example>\n"
                + "Description: built by build-and-bump\n";
        final java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(tar);
             var out = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gz)) {
            for (final String[] f : new String[][] {{"DEBIAN/control", control}, {"opt/caravan/fw-built/app.bin", "binary payload"}}) {
                final var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry(f[0]);
                final byte[] bytes = f[1].getBytes(StandardCharsets.UTF_8);
                e.setSize(bytes.length);
                out.putArchiveEntry(e);
                out.write(bytes);
                out.closeArchiveEntry();
            }
        }
        final java.util.function.Function<String, HttpResponse<String>> build = bump -> HttpTestClient.send(HttpRequest.newBuilder(
                URI.create(base() + "/api/firmware/build?bump=" + bump)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token(null)).POST(HttpRequest.BodyPublishers.ofByteArray(tar.toByteArray())).build());
        final HttpResponse<String> first = build.apply("minor");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(json(first).path("version").asText()).isEqualTo("0.1.0");
        final HttpResponse<String> second = build.apply("patch");
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        assertThat(json(second).path("version").asText()).isEqualTo("0.1.1");
        assertThat(json(second).path("url").asText()).endsWith("/pool/main/f/fw-built/fw-built_0.1.1_arm64.deb");
        final HttpResponse<String> bad = build.apply("sideways");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("code").asText()).isEqualTo("bad-bump");
        assertThat(HttpTestClient.get(base() + "/apt/dists/stable/main/binary-arm64/Packages").body())
                .contains("Package: fw-built\nVersion: 0.1.1\n");
    }

    @Test
    void concurrentUploadsAreAllPublished() throws Exception {
        final String token = token(null);
        final List<byte[]> debs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            debs.add(Files.readAllBytes(Debs.build(work, "fw-conc" + i, "1." + i, i % 2 == 0 ? "amd64" : "all", "gzip", 1000)));
        }
        final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            final List<java.util.concurrent.Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (final byte[] deb : debs) {
                responses.add(pool.submit(() -> upload(deb, token)));
            }
            final java.util.Set<Long> snapshots = new java.util.HashSet<>();
            for (final var f : responses) {
                final HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                snapshots.add(json(r).path("snapshot").asLong());
            }
            // serialised; uploads queued behind a running publish share the next snapshot (group commit)
            assertThat(snapshots).hasSizeBetween(1, 6);
        } finally {
            pool.shutdownNow();
        }
        final String packages = HttpTestClient.get(base() + "/apt/dists/stable/main/binary-amd64/Packages").body();
        for (int i = 0; i < 6; i++) {
            assertThat(packages).contains("Package: fw-conc" + i + "\nVersion: 1." + i + "\n");
        }
    }

    @Test
    void servesOnlyRepositoryFiles() {
        assertThat(HttpTestClient.get(base() + "/apt/dists/stable/InRelease").body()).contains("-----BEGIN PGP SIGNED MESSAGE-----",
                "Acquire-By-Hash: yes");
        assertThat(HttpTestClient.get(base() + "/apt/caravan-firmware.asc").body()).contains("BEGIN PGP PUBLIC KEY BLOCK");
        for (final String path : List.of("/apt/.index", "/apt/../repo/current/.index", "/apt/pool/../../../.lock", "/apt/", "/apt/nothing",
                "/apt/%2e%2e/%2e%2e/state/gnupg/pubring.kbx")) {
            assertThat(HttpTestClient.get(base() + path).statusCode()).as(path).isIn(400, 404);
        }
    }

    @Test
    void dropFolderMovesFilesToDoneOrFailedWithAReason() throws Exception {
        final Path dirs = Path.of(RealBrokers.get().properties().get("firmware-publish.dir.base"));
        final Path incoming = Files.createDirectories(dirs.resolve("incoming"));
        final Path good = Debs.build(work, "fw-drop", "1.0", "arm64", "gzip", 1000);
        Files.copy(good, incoming.resolve("fw-drop.deb.part"));
        Files.move(incoming.resolve("fw-drop.deb.part"), incoming.resolve("fw-drop.deb"));
        Files.write(incoming.resolve("broken.deb"), "not a package".getBytes(StandardCharsets.UTF_8));

        Awaitility.await("drop folder").atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dirs.resolve("done/fw-drop.deb"))
                && Files.exists(dirs.resolve("failed/broken.deb.reason.json")) && Files.exists(dirs.resolve("failed/broken.deb")));
        assertThat(incoming.resolve("fw-drop.deb")).doesNotExist();
        final JsonNode reason = JSON.readTree(dirs.resolve("failed/broken.deb.reason.json").toFile());
        assertThat(reason.path("status").asInt()).isEqualTo(400);
        assertThat(reason.path("code").asText()).isEqualTo("not-a-deb");
        assertThat(HttpTestClient.get(base() + "/apt/dists/stable/main/binary-arm64/Packages").body()).contains("Package: fw-drop\n");
    }

    @Test
    void announcesANewVersionRetainedOverMqttAndAsAnAmqpEvent() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(brokers.host());
        factory.setPort(brokers.amqpPort());
        final List<String[]> events = new CopyOnWriteArrayList<>();
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.exchangeDeclare("caravan.events", "topic", true);
            final String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, "caravan.events", "firmware.#");
            final DeliverCallback onEvent = (tag, delivery) -> events.add(new String[] {delivery.getEnvelope().getRoutingKey(),
                    new String(delivery.getBody(), StandardCharsets.UTF_8)});
            channel.basicConsume(queue, true, onEvent, tag -> { });

            final Path deb = Debs.build(work, "fw-notify", "3.1.4", "all", "gzip", 1000);
            final HttpResponse<String> created = upload(deb);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            Awaitility.await("AMQP event").atMost(Duration.ofSeconds(30)).until(() -> !events.isEmpty());
            assertThat(events.get(0)[0]).isEqualTo("firmware.fw-notify.published");
            final JsonNode event = JSON.readTree(events.get(0)[1]);
            assertNotification(event, deb);

            // a device that connects later still gets the retained notification
            final List<MqttMessage> received = new CopyOnWriteArrayList<>();
            final MqttClient device = new MqttClient(brokers.mqttUrl(), "fw-device-" + UUID.randomUUID(), new MemoryPersistence());
            try {
                final MqttConnectionOptions options = new MqttConnectionOptions();
                options.setCleanStart(true);
                device.connect(options);
                final IMqttToken sub = device.subscribe(new MqttSubscription[] {new MqttSubscription("firmware/fw-notify", 1)},
                        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> received.add(message)});
                sub.waitForCompletion(10_000);
                Awaitility.await("retained MQTT notification").atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
            } finally {
                device.disconnect();
                device.close();
            }
            final MqttMessage message = received.get(0);
            assertThat(message.isRetained()).isTrue();
            assertThat(message.getQos()).isEqualTo(1);
            assertNotification(JSON.readTree(message.getPayload()), deb);

            // the identical file again: 200, and no second event
            assertThat(upload(deb).statusCode()).isEqualTo(200);
            final Path next = Debs.build(work, "fw-notify", "3.1.5", "all", "gzip", 1000);
            assertThat(upload(next).statusCode()).isEqualTo(201);
            Awaitility.await("second AMQP event").atMost(Duration.ofSeconds(30)).until(() -> events.size() >= 2);
            assertThat(JSON.readTree(events.get(1)[1]).path("version").asText()).isEqualTo("3.1.5");
            assertThat(events).hasSize(2);
        }
    }

    /**
     * Issue 21 item 5: a package name with + and . is announced on a valid MQTT topic (firmware/fw%2Bplus.v2)
     * and as a one-word routing key (firmware.fw%2Bplus%2Ev2.published) that events-fanout's binding keys take.
     */
    @Test
    void announcesAPackageWhoseNameHoldsPlusAndDotOnAValidTopicAndRoutingKey() throws Exception {
        final RealBrokers brokers = RealBrokers.get();
        final ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(brokers.host());
        factory.setPort(brokers.amqpPort());
        final List<String> oneWord = new CopyOnWriteArrayList<>();
        final List<String> fanout = new CopyOnWriteArrayList<>();
        final java.util.Properties fanoutProps = new java.util.Properties();
        try (var in = Files.newBufferedReader(ProjectDir.resolve("routes/events-fanout/application.properties"))) {
            fanoutProps.load(in);
        }
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            channel.exchangeDeclare("caravan.events", "topic", true);
            final String q1 = channel.queueDeclare().getQueue();
            channel.queueBind(q1, "caravan.events", "firmware.*.published");
            channel.basicConsume(q1, true, (tag, d) -> oneWord.add(d.getEnvelope().getRoutingKey()), tag -> { });
            // bound exactly as events-fanout binds its per-instance queue
            final String q2 = channel.queueDeclare().getQueue();
            for (final String key : fanoutProps.getProperty("events-fanout.rabbitmq.binding-keys").split(",")) {
                channel.queueBind(q2, "caravan.events", key.strip());
            }
            channel.basicConsume(q2, true, (tag, d) -> {
                if (d.getEnvelope().getRoutingKey().startsWith("firmware.fw%2Bplus")) {
                    fanout.add(d.getEnvelope().getRoutingKey());
                }
            }, tag -> { });

            final Path deb = Debs.build(work, "fw+plus.v2", "1.0", "all", "gzip", 500);
            final HttpResponse<String> created = upload(deb);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            Awaitility.await("AMQP event with a one-word package").atMost(Duration.ofSeconds(30)).until(() -> !oneWord.isEmpty());
            assertThat(oneWord).containsExactly("firmware.fw%2Bplus%2Ev2.published");
            Awaitility.await("AMQP event on events-fanout's bindings").atMost(Duration.ofSeconds(30)).until(() -> !fanout.isEmpty());

            final List<MqttMessage> received = new CopyOnWriteArrayList<>();
            final MqttClient device = new MqttClient(brokers.mqttUrl(), "fw-device-" + UUID.randomUUID(), new MemoryPersistence());
            try {
                device.connect(new MqttConnectionOptions());
                device.subscribe(new MqttSubscription[] {new MqttSubscription("firmware/fw%2Bplus.v2", 1)},
                        new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(topic, message) -> received.add(message)})
                        .waitForCompletion(10_000);
                Awaitility.await("retained MQTT notification").atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
            } finally {
                device.disconnect();
                device.close();
            }
            assertThat(received.get(0).isRetained()).isTrue();
            assertThat(JSON.readTree(received.get(0).getPayload()).path("package").asText()).isEqualTo("fw+plus.v2");
        }
    }

    private static void assertNotification(final JsonNode n, final Path deb) throws Exception {
        assertThat(n.path("package").asText()).isEqualTo("fw-notify");
        assertThat(n.path("architecture").asText()).isEqualTo("all");
        assertThat(n.path("sha256").asText()).isEqualTo(DebPackageInspector.digests(deb)[0]);
        assertThat(n.path("size").asLong()).isEqualTo(Files.size(deb));
        assertThat(n.path("url").asText()).endsWith("/pool/main/f/fw-notify/" + deb.getFileName().toString().replaceAll("_all-.*", "_all.deb"));
        assertThat(n.path("publishedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(n.path("version").asText()).isIn("3.1.4", "3.1.5");
        assertThat(n.size()).as(n.toString()).isEqualTo(7);
    }
}
