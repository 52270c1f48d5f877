package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import io.caravan.common.RouteFiles;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;

/** camel-k/firmware-publish: valid, one writer on its volume, its key file and its brokers wired, no image that does not exist. */
class FirmwarePublishManifestTest {

    private static final Path FLOW = ProjectDir.resolve("camel-k/firmware-publish");

    @Test
    void manifestValidatesAndDefinesWhatItNames() throws Exception {
        assertThat(CamelKManifests.problems(CamelKManifests.manifest(FLOW))).isEmpty();
        assertThat(CamelKManifests.referenceProblems(FLOW)).isEmpty();
        final JsonNode integration = CamelKManifests.integration(FLOW);
        assertThat(integration.path("metadata").path("name").asText()).isEqualTo("firmware-publish");
        assertThat(integration.at("/spec/traits/builder/baseImage").isMissingNode())
                .as("no base image that nobody built: the platform's default has gpg and dpkg-deb").isTrue();
    }

    @Test
    void oneWriterOnAVolumeItCanWrite() throws Exception {
        final JsonNode integration = CamelKManifests.integration(FLOW);
        assertThat(integration.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(integration.at("/spec/traits/deployment/strategy").asText()).isEqualTo("Recreate");
        assertThat(integration.at("/spec/template/spec/securityContext/fsGroup").asInt()).isEqualTo(1000);
        final String volume = integration.at("/spec/traits/mount/volumes/0").asText();
        assertThat(volume).startsWith("firmware-publish-data:");
        assertThat(CamelKManifests.mountedProperties(FLOW).getProperty("firmware-publish.dir.base")).isEqualTo(volume.split(":", 2)[1]);
    }

    @Test
    void signsWithTheMountedKeyAndAcceptsTheLargestPackage() throws Exception {
        final JsonNode traits = CamelKManifests.integration(FLOW).path("spec").path("traits");
        final Properties props = CamelKManifests.mountedProperties(FLOW);
        assertThat(traits.path("mount").path("resources").get(0).asText()).isEqualTo("secret:firmware-publish-signing-key");
        assertThat(props.getProperty("firmware-publish.gpg.secret-key-file"))
                .isEqualTo("/etc/camel/resources.d/_secrets/firmware-publish-signing-key/signing-key.asc");
        final String maxBody = traits.path("camel").path("properties").toString().replaceAll(".*quarkus\\.http\\.limits\\.max-body-size=(\\d+)M.*", "$1");
        assertThat(Long.parseLong(maxBody) * 1024 * 1024).isGreaterThan(Long.parseLong(props.getProperty("firmware-publish.max-size-bytes")));
        assertThat(props.getProperty("camel.component.spring-rabbitmq.connection-factory")).isEqualTo("#bean:firmwarePublishRabbit");
        assertThat(CamelKManifests.secretKeys(FLOW)).contains("camel.beans.firmwarePublishRabbit.password");
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
