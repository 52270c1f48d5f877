package io.caravan.eventsfanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.caravan.common.CamelKManifests;
import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** camel-k/events-fanout: the three flows in one pod, two replicas kept by a PDB, only the API and /ws/events reachable. */
class EventsFanoutManifestTest {

    private static final Path FLOW = ProjectDir.resolve("camel-k/events-fanout");

    @Test
    void carriesTheThreeFlowsItBuildsOn() throws Exception {
        assertThat(CamelKManifests.problems(CamelKManifests.manifest(FLOW))).isEmpty();
        final List<String> sources = new ArrayList<>();
        CamelKManifests.integration(FLOW).at("/spec/sources").forEach(s -> sources.add(s.path("name").asText()));
        assertThat(sources).containsExactly("ws-ticket.camel.yaml", "mqtt-acl.camel.yaml", "events-fanout.camel.yaml");
        assertThat(CamelKManifests.propertyProblems(FLOW, CamelKManifests.routes())).isEmpty();
    }

    @Test
    void twoReplicasThatADrainCannotBothTake() throws Exception {
        final JsonNode spec = CamelKManifests.integration(FLOW).path("spec");
        assertThat(spec.path("replicas").asInt()).isEqualTo(2);
        assertThat(spec.at("/traits/pdb/enabled").asBoolean()).isTrue();
        assertThat(spec.at("/traits/pdb/minAvailable").asText()).isEqualTo("1");
    }

    @Test
    void admitsOnlyTheApiAndTheWebSocketPort() throws Exception {
        final String ws = CamelKManifests.mountedProperties(FLOW).getProperty("ws-ticket.ws.port");
        final String callbacks = CamelKManifests.mountedProperties(FLOW).getProperty("mqtt-acl.http.port");
        final JsonNode policy = CamelKManifests.documents(FLOW.resolve("networkpolicy.yaml")).get(0);
        assertThat(policy.at("/spec/podSelector/matchLabels").path("camel.apache.org/integration").asText()).isEqualTo("events-fanout");
        final List<String> ports = new ArrayList<>();
        policy.at("/spec/ingress").forEach(r -> r.path("ports").forEach(p -> ports.add(p.path("port").asText())));
        assertThat(ports).containsExactlyInAnyOrder("8080", ws).doesNotContain(callbacks);
        assertThat(CamelKManifests.integration(FLOW).at("/spec/traits/container/ports").toString()).contains("ws;" + ws).doesNotContain(callbacks);
    }
}
