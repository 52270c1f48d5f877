package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** camel-k/ts-multicast: valid, carries the flow verbatim, and runs a single sender. */
class TsMulticastManifestTest {

    private static final Path MANIFEST = ProjectDir.resolve("camel-k/ts-multicast/ts-multicast.yaml");
    private static List<JsonNode> docs;

    @BeforeAll
    static void read() throws Exception {
        docs = new ArrayList<>(new YAMLMapper().readValues(new YAMLFactory().createParser(MANIFEST.toFile()), JsonNode.class).readAll());
    }

    @Test
    void validatesAgainstTheCamelKCrd() throws Exception {
        assertThat(CamelKManifests.problems(MANIFEST)).isEmpty();
    }

    @Test
    void carriesTheFlowYamlAndPropertiesVerbatim() throws Exception {
        assertThat(docs.get(0).at("/spec/sources/0/content").asText())
                .isEqualTo(Files.readString(ProjectDir.resolve("routes/ts-multicast/ts-multicast.camel.yaml")));
        assertThat(docs.get(1).at("/data/application.properties").asText())
                .isEqualTo(Files.readString(ProjectDir.resolve("routes/ts-multicast/application.properties")));
    }

    @Test
    void oneSenderPodAtATime() {
        final JsonNode integration = docs.get(0);
        assertThat(integration.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(integration.at("/spec/traits/deployment/strategy").asText()).isEqualTo("Recreate");
    }

    @Test
    void declaresTheComponentsTheFlowUses() {
        final List<String> deps = new ArrayList<>();
        docs.get(0).at("/spec/dependencies").forEach(d -> deps.add(d.asText()));
        assertThat(deps).contains("camel:netty", "camel:platform-http", "camel:timer", "camel:direct", "mvn:io.caravan:caravan:0.1.0-SNAPSHOT");
    }
}
