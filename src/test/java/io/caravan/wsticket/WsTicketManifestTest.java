package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/ws-ticket/ws-ticket.yaml: valid, and consistent with the flow it deploys. */
class WsTicketManifestTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path manifest = ProjectDir.resolve("camel-k/ws-ticket/ws-ticket.yaml");

    @Test
    void validatesAgainstTheCamelKCrd() throws Exception {
        assertThat(CamelKManifests.problems(manifest)).isEmpty();
    }

    @Test
    void overridesOnlyPropertiesTheFlowDefines() throws Exception {
        final Properties flow = new Properties();
        try (InputStream in = Files.newInputStream(ProjectDir.resolve("routes/ws-ticket/application.properties"))) {
            flow.load(in);
        }
        final JsonNode spec = YAML.readTree(manifest.toFile()).path("spec");
        final List<String> keys = new ArrayList<>();
        spec.path("traits").path("camel").path("properties").forEach(p -> keys.add(p.asText().split("=", 2)[0]));

        assertThat(keys).isNotEmpty().allSatisfy(key -> assertThat(flow).containsKey(key));
        assertThat(keys).contains("ws-ticket.ws.host", "ws-ticket.redis.host");
    }

    @Test
    void carriesTheComponentsAndLibrariesTheBeansNeed() throws Exception {
        final JsonNode spec = YAML.readTree(manifest.toFile()).path("spec");
        final List<String> dependencies = new ArrayList<>();
        spec.path("dependencies").forEach(d -> dependencies.add(d.asText()));

        assertThat(dependencies).contains("camel:platform-http", "camel:vertx-websocket")
                .anyMatch(d -> d.startsWith("mvn:io.lettuce:lettuce-core:"))
                .anyMatch(d -> d.startsWith("mvn:io.caravan:caravan:"));
        assertThat(spec.path("sources").get(0).path("contentRef").asText()).isEqualTo("ws-ticket");
        assertThat(spec.path("traits").path("service").path("ports").get(0).asText()).isEqualTo("ws;8091;8091");
    }
}
