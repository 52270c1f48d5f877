package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/oauth2 validates, runs the flow's own files, and every placeholder of the flow has a default. */
class OAuth2ManifestTest {

    @Test
    void manifestValidatesAndPointsAtTheFlowFolder() throws Exception {
        final Path manifest = ProjectDir.resolve("camel-k/oauth2/oauth2.yaml");
        assertThat(CamelKManifests.problems(manifest)).isEmpty();
        final JsonNode integration = new ObjectMapper(new YAMLFactory()).readTree(manifest.toFile());
        assertThat(integration.path("metadata").path("name").asText()).isEqualTo("oauth2");
        final JsonNode source = integration.path("spec").path("sources").get(0);
        assertThat(source.path("contentRef").asText()).isEqualTo("oauth2");
        assertThat(ProjectDir.resolve("routes/oauth2/" + source.path("contentKey").asText())).isRegularFile();
        assertThat(integration.path("spec").path("traits").path("mount").path("configs").get(0).asText()).isEqualTo("configmap:oauth2");
        assertThat(integration.path("spec").path("dependencies").toString())
                .contains("mvn:com.nimbusds:nimbus-jose-jwt:10.10", "mvn:io.caravan:caravan:0.1.0-SNAPSHOT", "camel:platform-http");
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
