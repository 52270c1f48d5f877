package io.caravan.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README's `camel run` starts a flow with no network at all once an online run has filled the
 * local Maven repository: the status flow runs inside a network namespace this test creates
 * ({@code unshare --net}: only loopback, nothing reaches Maven Central) and answers there.
 * Camel JBang's fallback to a new {@code /tmp/<uuid>/} local repository at every start is what made
 * this fail before; the run gets a private {@code java.io.tmpdir} to show that none is made.
 */
class CamelRunOfflineTest {

    private static final List<String> FLOW = List.of("status");

    /** Inside the namespace: lo up, list the links, start the command, call the flow on loopback, stop it. */
    private static final String IN_NAMESPACE = """
            ip link set lo up || exit 10
            ip -o link show | cut -d: -f2 | tr -d ' ' | sed 's/^/link /'
            port=$1 out=$2 log=$3
            shift 3
            "$@" >"$log" 2>&1 &
            camel=$!
            # platform-http's server listens before the routes start (404 meanwhile): retry every error until 200
            curl -sS --fail --max-time 5 --retry 170 --retry-all-errors --retry-delay 1 --retry-max-time 170 \\
              -o "$out" -w 'http %{http_code}\\n' "http://127.0.0.1:$port/api/status"
            # a stop while Camel still finishes its start waits out the 25 s shutdown timeout
            for _ in $(seq 100); do grep -q ' started in ' "$log" && break; sleep 0.2; done
            kill "$camel"
            wait "$camel"
            echo "camel exit $?"
            """;

    @Test
    void documentedCommandStartsTheFlowInsideANetworkNamespace() throws IOException, InterruptedException {
        if (!JBangFlow.startedOnline(FLOW)) {
            final int port = FreePorts.next();
            try (JBangFlow online = JBangFlow.start("status", port, Map.of())) {
                assertThat(HttpTestClient.get("http://127.0.0.1:" + port + "/api/status").statusCode()).as(online.log()).isEqualTo(200);
            }
        }
        final Path project = ProjectDir.get();
        final Path work = Files.createTempDirectory(Files.createDirectories(project.resolve("target/jbang-logs")), "offline-");
        final Path tmp = Files.createDirectories(work.resolve("tmp"));
        final Path body = work.resolve("body.json");
        final Path log = work.resolve("camel.log");
        final int port = FreePorts.next();
        final List<String> cmd = new ArrayList<>(List.of("unshare", "--net", "bash", "-c", IN_NAMESPACE, "in-namespace",
                String.valueOf(port), body.toString(), log.toString()));
        cmd.addAll(JBangFlow.documentedCommand(FLOW));
        cmd.add("--port=" + port);
        cmd.add("--name=status-offline");
        final ProcessBuilder builder = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true);
        builder.environment().put("JAVA_OPTS", "-Xmx512m -Djava.io.tmpdir=" + tmp);
        final Process namespace = builder.start();
        final String out = new String(namespace.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(namespace.waitFor(240, TimeUnit.SECONDS)).isTrue();
        final String camelLog = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";

        assertThat(namespace.exitValue()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.startsWith("link ")).toList()).as("the namespace's links").containsExactly("link lo");
        assertThat(out).as(out + "\n" + camelLog).contains("http 200");
        assertThat(Files.readString(body, StandardCharsets.UTF_8)).contains("\"status-describe\":\"Started\"");
        try (Stream<Path> made = Files.list(tmp)) {
            assertThat(made.map(p -> p.getFileName().toString()))
                    .as("throw-away local repositories in java.io.tmpdir")
                    .noneMatch(n -> n.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
        }
    }
}
