package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/oauth2 validates and carries exactly the flow's YAML and properties. */
class OAuth2ManifestTest {

    @Test
    void manifestValidatesAndEmbedsTheFlowVerbatim() throws Exception {
        final Path manifest = ProjectDir.resolve("camel-k/oauth2/integration.yaml");
        assertThat(CamelKManifests.problems(manifest)).isEmpty();
        final List<JsonNode> docs = new ObjectMapper(new YAMLFactory())
                .readValues(new YAMLFactory().createParser(manifest.toFile()), JsonNode.class).readAll();
        final JsonNode integration = docs.get(0);
        assertThat(integration.path("metadata").path("name").asText()).isEqualTo("oauth2");
        assertThat(integration.path("spec").path("sources").get(0).path("content").asText())
                .isEqualTo(Files.readString(ProjectDir.resolve("routes/oauth2/oauth2.camel.yaml")));
        assertThat(integration.path("spec").path("dependencies").toString())
                .contains("mvn:com.nimbusds:nimbus-jose-jwt:10.10", "mvn:io.caravan:caravan:0.1.0-SNAPSHOT");
        final JsonNode configMap = docs.get(1);
        assertThat(integration.path("spec").path("traits").path("mount").path("configs").get(0).asText())
                .isEqualTo("configmap:" + configMap.path("metadata").path("name").asText());
        assertThat(configMap.path("data").path("application.properties").asText())
                .isEqualTo(Files.readString(ProjectDir.resolve("routes/oauth2/application.properties")));
    }
}
