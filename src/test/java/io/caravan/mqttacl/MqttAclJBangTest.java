package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.caravan.common.FreePorts;
import io.caravan.common.JBangFlow;
import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * routes/mqtt-acl alone under Camel JBang's runtime, against the real Redis. The registry of this
 * test JVM is a second replica: its writes must be seen at once by the JBang process (pub/sub).
 */
@ExtendWith(RealBrokersExtension.class)
class MqttAclJBangTest {

    @Test
    void flowRunsAloneAndSeesAnotherReplicasChangesAtOnce() {
        final RealBrokers brokers = RealBrokers.get();
        final String redis = "redis://" + brokers.host() + ":" + brokers.redisPort();
        final int apiPort = FreePorts.next();
        final int callbackPort = FreePorts.next();
        try (RedisRegistry replica = new RedisRegistry(redis, 300, 1000);
                JBangFlow flow = JBangFlow.start("mqtt-acl", apiPort, Map.of("mqtt-acl.http.port", String.valueOf(callbackPort),
                        "mqtt-acl.redis.uri", redis, "mqtt-acl.superusers", "root:" + Secrets.hashPassword("rootpw", 1000),
                        // the oauth2 flow's verifier settings (routes/oauth2/application.properties)
                        "oauth2.issuers", "caravan", "oauth2.issuer.caravan.uri", brokers.oidcIssuer(),
                        "oauth2.issuer.caravan.audience", "api://caravan"))) {
            replica.start();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(replica::ping);
            replica.unregister("jb1");
            final String secret = replica.register("jb1", true, List.of("jo"));

            assertThat(legacyAuth(callbackPort, "jb1", secret).status()).as(flow.log()).isEqualTo(200);
            assertThat(legacyAuth(callbackPort, "jb1", "wrong").status()).isEqualTo(403);
            assertThat(goAuthAcl(callbackPort, "jb1", "devices/jb1/state", 2).status()).isEqualTo(200);

            // rotate on the other replica: the cached old secret must stop working on the next call
            final String rotated = replica.rotateSecret("jb1").orElseThrow();
            soon(() -> assertThat(legacyAuth(callbackPort, "jb1", secret).status()).isEqualTo(403));
            assertThat(legacyAuth(callbackPort, "jb1", rotated).status()).isEqualTo(200);

            replica.unregister("jb1");
            soon(() -> assertThat(goAuthAcl(callbackPort, "jb1", "devices/jb1/state", 2).status()).isEqualTo(403));
            assertThat(RawHttp.send(callbackPort, RawHttp.curlForm("/acl", callbackPort, "jb1", "", "garbage")).status())
                    .isEqualTo(400);

            // a configured superuser: slow hash, then /superuser and $SYS
            assertThat(legacyAuth(callbackPort, "root", "rootpw").status()).isEqualTo(200);
            assertThat(legacyAuth(callbackPort, "root", "nope").status()).isEqualTo(403);
            assertThat(RawHttp.send(callbackPort, RawHttp.curlForm("/superuser", callbackPort, "root", "",
                    "username=root&password=&topic=&acc=-1&clientid=")).status()).isEqualTo(200);
            assertThat(goAuthAcl(callbackPort, "root", "$SYS/broker/uptime", 1).status()).isEqualTo(200);

            // the admin API is on the public port, behind the oauth2 policy
            final var unauthorized = io.caravan.common.HttpTestClient.get("http://127.0.0.1:" + apiPort + "/api/devices?owner=jo");
            assertThat(unauthorized.statusCode()).isEqualTo(401);
            final String admin = Tokens.of(brokers.oidcIssuer(), "ops", "devices:admin");
            final var listed = io.caravan.common.HttpTestClient.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + apiPort + "/api/devices?owner=jo"))
                    .header("Authorization", "Bearer " + admin).GET().build());
            assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        }
    }

    /** Pub/sub delivery to the other process is asynchronous: allow it a few milliseconds. */
    private static void soon(final org.awaitility.core.ThrowingRunnable assertion) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMillis(500)).pollInterval(java.time.Duration.ofMillis(5))
                .untilAsserted(assertion);
    }

    static RawHttp.Response legacyAuth(final int port, final String user, final String password) {
        return RawHttp.send(port, RawHttp.curlForm("/auth", port, user, password,
                "username=" + user + "&password=" + password + "&topic=&acc=-1&clientid="));
    }

    static RawHttp.Response goAuthAcl(final int port, final String user, final String topic, final int acc) {
        return RawHttp.send(port, RawHttp.goRequest("/go-auth/acl", port, "application/json",
                "{\"acc\":" + acc + ",\"clientid\":\"" + user + "\",\"topic\":\"" + topic + "\",\"username\":\"" + user + "\"}"));
    }
}
