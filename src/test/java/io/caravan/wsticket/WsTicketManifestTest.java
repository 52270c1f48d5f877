package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/ws-ticket: valid, and the /ws/events port it binds is the one the pod and the Service expose. */
class WsTicketManifestTest {

    private static final Path FLOW = ProjectDir.resolve("camel-k/ws-ticket");

    @Test
    void validatesAndDefinesWhatItNames() throws Exception {
        assertThat(CamelKManifests.problems(CamelKManifests.manifest(FLOW))).isEmpty();
        assertThat(CamelKManifests.referenceProblems(FLOW)).isEmpty();
    }

    @Test
    void exposesTheWebSocketPortItBinds() throws Exception {
        final Properties props = CamelKManifests.mountedProperties(FLOW);
        final String port = props.getProperty("ws-ticket.ws.port");
        assertThat(props.getProperty("ws-ticket.ws.host")).isEqualTo("0.0.0.0");
        assertThat(props.getProperty("ws-ticket.ws.public-url")).startsWith("wss://");
        final JsonNode traits = CamelKManifests.integration(FLOW).path("spec").path("traits");
        assertThat(traits.path("container").path("ports").get(0).asText()).isEqualTo("ws;" + port);
        assertThat(traits.path("service").path("ports").get(0).asText()).isEqualTo("ws;" + port + ";" + port);
    }

    @Test
    void carriesTheComponentsAndLibrariesTheBeansNeed() throws Exception {
        final JsonNode spec = CamelKManifests.integration(FLOW).path("spec");
        final List<String> dependencies = new ArrayList<>();
        spec.path("dependencies").forEach(d -> dependencies.add(d.asText()));
        assertThat(dependencies).contains("camel:platform-http", "camel:vertx-websocket", "camel:direct", "camel:bean")
                .anyMatch(d -> d.startsWith("mvn:io.lettuce:lettuce-core:"))
                .anyMatch(d -> d.startsWith("mvn:io.caravan:caravan:"));
        assertThat(spec.path("sources").get(0).path("contentRef").asText()).isEqualTo("ws-ticket-source");
        assertThat(CamelKManifests.secretKeys(FLOW)).containsExactly("ws-ticket.redis.password");
    }
}
