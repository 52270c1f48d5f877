package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every flow's YAML parses, and follows the one-name-per-flow rule of STYLE.md. */
class RouteFilesTest {

    static Stream<Path> flows() {
        return RouteFiles.all().stream();
    }

    @Test
    void thereAreFlows() {
        assertThat(RouteFiles.all()).extracting(p -> p.getFileName().toString()).contains("status.camel.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("flows")
    void parsesAndIsNamedAfterItsFolder(final Path yaml) throws Exception {
        final String flow = yaml.getParent().getFileName().toString();
        assertThat(yaml.getFileName()).hasToString(flow + ".camel.yaml");
        assertThat(yaml.resolveSibling("application.properties")).isRegularFile();

        final List<RouteDefinition> routes = RouteFiles.load(yaml);

        assertThat(routes).as("routes in %s", yaml).isNotEmpty();
        for (final RouteDefinition route : routes) {
            assertThat(route.getRouteId()).as("route id in %s", yaml).startsWith(flow + "-");
            assertThat(route.getGroup()).as("group of %s", route.getRouteId()).isEqualTo(flow);
            if (Boolean.TRUE.equals(route.isRest())) {
                // the route a REST DSL verb makes: the verb carries the description (it lands in /api/openapi.json)
                assertThat(route.getRestDefinition().getVerbs()).as("verbs of %s", route.getRouteId())
                        .allSatisfy(verb -> assertThat(verb.getDescriptionText()).as("description of %s", verb.getId()).isNotBlank());
            } else {
                assertThat(route.getDescriptionText()).as("description of %s", route.getRouteId()).isNotBlank();
            }
        }
    }

    @Test
    void aBrokenRouteFileFails() {
        final Path broken = ProjectDir.resolve("src/test/resources/fixtures/broken/broken.camel.yaml");
        assertThatThrownBy(() -> RouteFiles.load(broken)).isInstanceOf(Exception.class);
    }

    @Test
    void aRouteFileNamingAMissingBeanClassFails() {
        final Path broken = ProjectDir.resolve("src/test/resources/fixtures/missing-bean/missing-bean.camel.yaml");
        assertThatThrownBy(() -> RouteFiles.load(broken)).hasStackTraceContaining("io.caravan.NoSuchBean");
    }
}
