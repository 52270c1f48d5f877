package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README's "Run one flow alone" has a `camel run` command line for every flow folder under
 * routes/ (the one the JBang tests start it with, {@link JBangFlow}), naming files that exist and the
 * same flow artifact as `config/stack.sh flow`.
 */
class DocumentedCamelRunTest {

    @Test
    void everyFlowHasADocumentedCommandLineOverExistingFiles() throws IOException {
        final Path project = ProjectDir.get();
        final List<String> flows;
        try (Stream<Path> dirs = Files.list(project.resolve("routes"))) {
            flows = dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
        assertThat(flows).hasSizeGreaterThanOrEqualTo(7);
        for (String flow : flows) {
            final List<String> command = JBangFlow.documentedCommand(List.of(flow));
            assertThat(command.subList(0, 2)).as(flow).containsExactly("camel", "run");
            assertThat(command).as(flow).contains("routes/" + flow + "/" + flow + ".camel.yaml",
                    "routes/" + flow + "/application.properties", "--dep=" + "mvn:" + stackFlowArtifact());
            command.stream().filter(t -> t.startsWith("routes/"))
                    .forEach(file -> assertThat(project.resolve(file)).as(flow).isRegularFile());
        }
    }

    @Test
    void eventsFanoutRunsWithTheTwoFlowsWhoseBeansItUses() {
        final List<String> command = JBangFlow.documentedCommand(List.of("ws-ticket", "mqtt-acl", "events-fanout"));

        assertThat(JBangFlow.routeFiles(command)).containsExactlyInAnyOrder("routes/ws-ticket/ws-ticket.camel.yaml",
                "routes/mqtt-acl/mqtt-acl.camel.yaml", "routes/events-fanout/events-fanout.camel.yaml");
        assertThat(command).contains("routes/ws-ticket/application.properties", "routes/mqtt-acl/application.properties",
                "routes/events-fanout/application.properties");
    }

    @Test
    void theInstallStepIsMavenInstall() {
        assertThat(JBangFlow.documentedCommands()).anySatisfy(c -> assertThat(c).startsWith("mvn", "install"));
    }

    /** FLOW_ARTIFACT in config/stack.sh (what `config/stack.sh flow` passes as --dep). */
    private static String stackFlowArtifact() throws IOException {
        return Files.readAllLines(ProjectDir.resolve("config/stack.sh"), StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("FLOW_ARTIFACT=")).map(l -> l.substring("FLOW_ARTIFACT=".length()).split("\\s")[0])
                .findFirst().orElseThrow();
    }
}
