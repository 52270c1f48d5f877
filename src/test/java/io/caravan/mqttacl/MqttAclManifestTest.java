package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/mqtt-acl: the callback port it binds is declared, and only the Mosquitto pods may reach it. */
class MqttAclManifestTest {

    private static final Path FLOW = ProjectDir.resolve("camel-k/mqtt-acl");

    @Test
    void validatesAndDefinesWhatItNames() throws Exception {
        assertThat(CamelKManifests.problems(CamelKManifests.manifest(FLOW))).isEmpty();
        assertThat(CamelKManifests.referenceProblems(FLOW)).isEmpty();
        assertThat(CamelKManifests.secretKeys(FLOW)).containsExactlyInAnyOrder("mqtt-acl.redis.uri", "mqtt-acl.superusers");
    }

    @Test
    void declaresTheCallbackPortItBinds() throws Exception {
        final Properties props = CamelKManifests.mountedProperties(FLOW);
        final String port = props.getProperty("mqtt-acl.http.port");
        assertThat(props.getProperty("mqtt-acl.http.host")).isEqualTo("0.0.0.0");
        final JsonNode traits = CamelKManifests.integration(FLOW).path("spec").path("traits");
        assertThat(traits.path("container").path("ports").get(0).asText()).isEqualTo("callbacks;" + port);
        assertThat(traits.path("service").path("ports").get(0).asText()).isEqualTo("callbacks;" + port + ";" + port);
    }

    @Test
    void onlyMosquittoReachesTheCallbacks() throws Exception {
        final String port = CamelKManifests.mountedProperties(FLOW).getProperty("mqtt-acl.http.port");
        final JsonNode policy = CamelKManifests.documents(FLOW.resolve("networkpolicy.yaml")).get(0);
        assertThat(policy.at("/spec/podSelector/matchLabels").path("camel.apache.org/integration").asText()).isEqualTo("mqtt-acl");
        assertThat(policy.at("/spec/policyTypes").toString()).contains("Ingress");
        int rulesWithThePort = 0;
        for (final JsonNode rule : policy.at("/spec/ingress")) {
            if (rule.path("ports").toString().contains("\"port\":" + port)) {
                rulesWithThePort++;
                assertThat(rule.path("from").get(0).at("/podSelector/matchLabels").path("app.kubernetes.io/name").asText()).isEqualTo("mosquitto");
            }
        }
        assertThat(rulesWithThePort).isEqualTo(1);
        assertThat(CamelKManifests.kustomization(FLOW).resources()).contains("networkpolicy.yaml");
    }
}
