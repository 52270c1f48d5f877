package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import io.caravan.common.CaravanBootTest;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Byte-exact replays of both plugin dialects against the whole gateway's internal callback
 * listener, with the registry in the real Redis.
 */
@CaravanBootTest
class CallbacksHttpTest {

    @Autowired
    CamelContext camel;

    RedisRegistry registry;
    int port;
    String d1Secret;

    @BeforeEach
    void seed() {
        registry = camel.getRegistry().lookupByNameAndType("mqttAclRegistry", RedisRegistry.class);
        port = URI.create(camel.getRoute("mqtt-acl-legacy-auth").getEndpoint().getEndpointBaseUri().replace("jetty:", "")).getPort();
        registry.unregister("d1");
        d1Secret = registry.register("d1", true, List.of("alice"));
    }

    @Test
    void legacyAuthWithTheDeviceSecretIsAllowed() {
        final var r = RawHttp.send(port, RawHttp.curlForm("/auth", port, "d1", d1Secret,
                "username=d1&password=" + d1Secret + "&topic=&acc=-1&clientid="));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void legacyAclWithRawClientIdAndEscapedTopic() {
        final var r = RawHttp.send(port, RawHttp.curlForm("/acl", port, "d1", "",
                "username=d1&password=&topic=devices%2Fd1%2Fstate&acc=2&clientid=client id not available"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
}
