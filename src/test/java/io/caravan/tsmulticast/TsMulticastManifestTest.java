package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/ts-multicast: valid, one sender, and it sends on the Multus interface from the media volume. */
class TsMulticastManifestTest {

    private static final Path FLOW = ProjectDir.resolve("camel-k/ts-multicast");

    @Test
    void validatesAndDefinesWhatItNames() throws Exception {
        assertThat(CamelKManifests.problems(CamelKManifests.manifest(FLOW))).isEmpty();
        assertThat(CamelKManifests.referenceProblems(FLOW)).isEmpty();
    }

    @Test
    void oneSenderPodAtATime() throws Exception {
        final JsonNode integration = CamelKManifests.integration(FLOW);
        assertThat(integration.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(integration.at("/spec/traits/deployment/strategy").asText()).isEqualTo("Recreate");
        assertThat(integration.at("/spec/traits/pdb").isMissingNode()).as("a PDB on one pod would block node drains").isTrue();
    }

    @Test
    void declaresTheComponentsTheFlowUses() throws Exception {
        final List<String> deps = new ArrayList<>();
        CamelKManifests.integration(FLOW).at("/spec/dependencies").forEach(d -> deps.add(d.asText()));
        assertThat(deps).contains("camel:netty", "camel:platform-http", "camel:timer", "camel:direct", "camel:bean")
                .anyMatch(d -> d.startsWith("mvn:io.caravan:caravan:"));
    }

    @Test
    void sendsOnTheMultusInterfaceFromTheMediaVolume() throws Exception {
        final JsonNode integration = CamelKManifests.integration(FLOW);
        final String network = integration.at("/metadata/annotations").path("k8s.v1.cni.cncf.io/networks").asText();
        assertThat(network).isEqualTo("caravan-multicast");
        assertThat(integration.at("/spec/traits/owner/targetAnnotations").toString()).contains("k8s.v1.cni.cncf.io/networks");
        final Properties props = CamelKManifests.mountedProperties(FLOW);
        assertThat(props.getProperty("ts-multicast.default.interface")).isEqualTo("net1");
        final String mountPath = integration.at("/spec/traits/mount/volumes/0").asText().split(":", 2)[1];
        assertThat(integration.at("/spec/traits/mount/volumes/0").asText()).startsWith("ts-multicast-media:");
        for (final String channel : props.getProperty("ts-multicast.channels").split(",")) {
            assertThat(props.getProperty("ts-multicast.channel." + channel.strip() + ".source")).startsWith(mountPath + "/");
        }
    }
}
