package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import io.caravan.common.RouteFiles;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;

/** camel-k/firmware-publish validates against the CRD and carries the flow's YAML and properties verbatim. */
class FirmwarePublishManifestTest {

    @Test
    void manifestValidatesAndEmbedsTheFlowVerbatim() throws Exception {
        final Path manifest = ProjectDir.resolve("camel-k/firmware-publish/firmware-publish.yaml");
        assertThat(CamelKManifests.problems(manifest)).isEmpty();
        final List<JsonNode> docs = new ObjectMapper(new YAMLFactory())
                .readValues(new YAMLFactory().createParser(manifest.toFile()), JsonNode.class).readAll();
        final JsonNode integration = docs.get(0);
        assertThat(integration.path("metadata").path("name").asText()).isEqualTo("firmware-publish");
        assertThat(integration.path("spec").path("sources").get(0).path("content").asText())
                .isEqualTo(Files.readString(ProjectDir.resolve("routes/firmware-publish/firmware-publish.camel.yaml")));
        final JsonNode configMap = docs.get(1);
        assertThat(integration.path("spec").path("traits").path("mount").path("configs").get(0).asText())
                .isEqualTo("configmap:" + configMap.path("metadata").path("name").asText());
        assertThat(configMap.path("data").path("application.properties").asText())
                .isEqualTo(Files.readString(ProjectDir.resolve("routes/firmware-publish/application.properties")));
        assertThat(integration.path("spec").path("traits").path("camel").path("properties").toString())
                .contains("firmware-publish.dir.base=", "camel.component.spring-rabbitmq.connection-factory=#bean:firmwarePublishRabbit");
    }

    @Test
    void routesFollowTheHouseNaming() throws Exception {
        final List<RouteDefinition> routes = RouteFiles.load(ProjectDir.resolve("routes/firmware-publish/firmware-publish.camel.yaml"));
        assertThat(routes).extracting(RouteDefinition::getRouteId).containsExactlyInAnyOrder("firmware-publish-upload", "firmware-publish-build",
                "firmware-publish-drop", "firmware-publish-notify", "firmware-publish-notify-mqtt", "firmware-publish-notify-amqp",
                "firmware-publish-apt");
        assertThat(routes).allSatisfy(r -> {
            assertThat(r.getGroup()).isEqualTo("firmware-publish");
            assertThat(r.getDescriptionText()).isNotBlank();
        });
    }
}
