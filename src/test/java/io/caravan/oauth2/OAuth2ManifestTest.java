package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/oauth2 validates, runs the flow's own YAML with the cluster's issuer, and every placeholder of the flow has a default. */
class OAuth2ManifestTest {

    private static final Path FLOW = ProjectDir.resolve("camel-k/oauth2");

    @Test
    void manifestValidatesAndRunsTheFlowWithTheClusterIssuer() throws Exception {
        assertThat(CamelKManifests.problems(CamelKManifests.manifest(FLOW))).isEmpty();
        final JsonNode integration = CamelKManifests.integration(FLOW);
        assertThat(integration.path("metadata").path("name").asText()).isEqualTo("oauth2");
        final JsonNode source = integration.path("spec").path("sources").get(0);
        assertThat(source.path("contentRef").asText()).isEqualTo("oauth2-source");
        assertThat(Files.readString(FLOW.resolve(source.path("contentKey").asText())))
                .isEqualTo(Files.readString(ProjectDir.resolve("routes/oauth2/oauth2.camel.yaml")));
        assertThat(integration.path("spec").path("traits").path("mount").path("configs").get(0).asText()).isEqualTo("configmap:oauth2-properties");
        assertThat(integration.path("spec").path("dependencies").toString())
                .contains("mvn:com.nimbusds:nimbus-jose-jwt:10.10", "mvn:io.caravan:caravan:0.1.0-SNAPSHOT", "camel:platform-http");
        final Properties cluster = CamelKManifests.mountedProperties(FLOW);
        assertThat(cluster.getProperty("oauth2.issuer.caravan.uri")).startsWith("https://");
        // the settings the verifier builds from are complete
        assertThat(OAuth2Settings.from(k -> java.util.Optional.ofNullable(cluster.getProperty(k))).issuers()).hasSize(1);
    }

    @Test
    void everyPlaceholderOfTheFlowHasALocalDefault() throws Exception {
        final String yaml = Files.readString(ProjectDir.resolve("routes/oauth2/oauth2.camel.yaml"));
        final Properties props = new Properties();
        try (var in = Files.newInputStream(ProjectDir.resolve("routes/oauth2/application.properties"))) {
            props.load(in);
        }
        final Matcher m = Pattern.compile("\\{\\{([^}:]+)").matcher(yaml);
        int found = 0;
        while (m.find()) {
            found++;
            assertThat(m.group(1)).startsWith("oauth2.");
            assertThat(props).containsKey(m.group(1));
        }
        assertThat(found).isPositive();
        // the verifier's own keys for the dev issuer
        assertThat(props).containsKeys("oauth2.issuers", "oauth2.issuer.caravan.uri", "oauth2.issuer.caravan.audience");
        assertThat(OAuth2Settings.from(k -> java.util.Optional.ofNullable(props.getProperty(k))).issuers()).hasSize(1);
    }
}
