package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every manifest under camel-k/ is a valid Integration/Pipe, named after its flow folder. */
class CamelKManifestsTest {

    static Stream<Path> manifests() {
        return CamelKManifests.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void validatesAgainstTheCamelKCrds(final Path manifest) throws Exception {
        assertThat(CamelKManifests.problems(manifest)).isEmpty();
        final String flow = manifest.getParent().getFileName().toString();
        assertThat(CamelKManifests.yaml().readTree(manifest.toFile()).path("metadata").path("name").asText())
                .as("metadata.name of %s", manifest).isEqualTo(flow);
    }

    @Test
    void everyFlowHasAManifest() {
        for (final Path yaml : RouteFiles.all()) {
            final String flow = yaml.getParent().getFileName().toString();
            assertThat(ProjectDir.resolve("camel-k/" + flow)).as("camel-k/%s", flow).isDirectory();
        }
    }

    @Test
    void aBrokenManifestFails() throws Exception {
        final Path broken = ProjectDir.resolve("src/test/resources/fixtures/camel-k-broken/integration.yaml");
        assertThat(CamelKManifests.problems(broken))
                .anySatisfy(p -> assertThat(p).contains("sorces"))
                .anySatisfy(p -> assertThat(p).contains("replicas"));
    }

    @Test
    void aCommittedSecretFails() throws Exception {
        final Path secret = ProjectDir.resolve("src/test/resources/fixtures/camel-k-broken/secret.yaml");
        assertThat(CamelKManifests.problems(secret)).anySatisfy(p -> assertThat(p).contains("Secret is committed"));
    }
}
