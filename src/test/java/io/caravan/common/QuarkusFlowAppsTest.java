package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The generator of {@link CamelQuarkusRuntimeTest}'s apps, without building them (fast: part of the default suite). */
class QuarkusFlowAppsTest {

    @Test
    void everyManifestBecomesTheOperatorsDependencyList() {
        for (String flow : QuarkusFlowApps.FLOWS) {
            final QuarkusFlowApps.Manifest m = QuarkusFlowApps.manifest(flow);
            assertThat(m.runtimeProvider()).as(flow).isEqualTo("plain-quarkus");
            assertThat(m.sources()).as(flow).isNotEmpty();
            assertThat(QuarkusFlowApps.coordinates(m)).as(flow)
                    .contains("org.apache.camel.quarkus:camel-quarkus-yaml-dsl", "io.caravan:caravan:" + QuarkusFlowApps.HARNESS_VERSION)
                    // the health and prometheus traits' capabilities (Camel K 2.10.1 catalog)
                    .contains("org.apache.camel.quarkus:camel-quarkus-microprofile-health", "org.apache.camel.quarkus:camel-quarkus-micrometer");
        }
    }

    @Test
    void theTwoExtensionsNotServedHereAreStoodInForVisibly() throws Exception {
        final QuarkusFlowApps.Manifest m = QuarkusFlowApps.manifest("events-fanout");
        assertThat(QuarkusFlowApps.coordinates(m)).contains("org.apache.camel:camel-spring-rabbitmq:4.17.0",
                "org.springframework:spring-context:6.2.15", "org.apache.camel:camel-paho-mqtt5:4.17.0")
                .doesNotContain("org.apache.camel.quarkus:camel-quarkus-spring-rabbitmq", "org.apache.camel.quarkus:camel-quarkus-paho-mqtt5");
        assertThat(QuarkusFlowApps.deviations(m)).hasSize(2);
        assertThat(QuarkusFlowApps.deviations(QuarkusFlowApps.manifest("status"))).isEmpty();

        final Path dir = QuarkusFlowApps.generate(m, true, true);
        final String pom = Files.readString(dir.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertThat(pom).contains("<groupId>io.quarkus.platform</groupId><artifactId>quarkus-camel-bom</artifactId><version>3.31.3</version>",
                "<artifactId>quarkus-maven-plugin</artifactId>\n        <version>3.31.3</version>", "<artifactId>camel-quarkus-vertx-websocket</artifactId>",
                "<exclusion><groupId>org.springframework.boot</groupId>").doesNotContain("@");
    }
}
