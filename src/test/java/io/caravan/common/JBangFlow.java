package io.caravan.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

/**
 * One flow alone under Camel JBang's runtime (camel-jbang-core 4.17.0, `camel run`), in its own
 * JVM, exactly as an operator runs it: `camel run routes/<flow>/<flow>.camel.yaml
 * routes/<flow>/application.properties`, with the project's classes on the classpath and
 * {@code --prop} overrides (e.g. the test brokers' ports).
 */
public final class JBangFlow implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("Apache Camel \\S+ \\(.*\\) started in");
    private static String classpath;

    private final String flow;
    private final Process process;
    private final Path log;

    private JBangFlow(final String flow, final Process process, final Path log) {
        this.flow = flow;
        this.process = process;
        this.log = log;
    }

    /** Starts routes/{flow} with an embedded HTTP server on {@code httpPort}; returns once Camel has started. */
    public static JBangFlow start(final String flow, final int httpPort, final Map<String, String> props) {
        return start(flow, List.of(flow), httpPort, props, "-Xmx512m");
    }

    /**
     * Starts several flow folders in one runtime ({@code camel run a.camel.yaml b.camel.yaml ...
     * a/application.properties b/application.properties ...}): a flow that builds on the beans of
     * others (events-fanout on ws-ticket and mqtt-acl) runs without the gateway this way.
     */
    public static JBangFlow start(final String name, final List<String> flows, final int httpPort,
            final Map<String, String> props, final String heap) {
        final Path project = ProjectDir.get();
        final List<String> cmd = new ArrayList<>(List.of(javaBin(), heap,
                "-Duser.home=" + project.resolve("target/jbang-home"),
                "-cp", classpath() + ":" + project.resolve("target/classes") + ":" + project.resolve("target/test-classes"),
                JBangLauncher.class.getName(), "run"));
        flows.forEach(f -> cmd.add(project.resolve("routes/" + f + "/" + f + ".camel.yaml").toString()));
        flows.forEach(f -> cmd.add(project.resolve("routes/" + f + "/application.properties").toString()));
        cmd.add("--port=" + httpPort);
        cmd.add("--name=" + name);
        props.forEach((k, v) -> cmd.add("--prop=" + k + "=" + v));
        try {
            final Path log = Files.createTempFile(Files.createDirectories(project.resolve("target/jbang-logs")), name + "-", ".log");
            final Path workDir = Files.createDirectories(project.resolve("target/jbang-work"));
            final Process process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            final JBangFlow run = new JBangFlow(name, process, log);
            run.awaitStarted();
            return run;
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch Camel JBang for " + name, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private void awaitStarted() {
        try {
            Awaitility.await("Camel JBang running " + flow).atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Camel JBang exited (" + process.exitValue() + ") running " + flow
                                    + ":\n" + tailOfLog());
                        }
                        return STARTED.matcher(log()).find();
                    });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private String tailOfLog() {
        final String all = log();
        return all.length() > 6000 ? all.substring(all.length() - 6000) : all;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Resolved with Maven from src/test/jbang/pom.xml by {@code config/stack.sh jbang-classpath} (the rule the
     * benchmarks and {@code config/stack.sh flow} use too: cached in target/ until that pom changes).
     */
    static synchronized String classpath() {
        if (classpath != null) {
            return classpath;
        }
        final Path project = ProjectDir.get();
        try {
            final Path out = project.resolve("target/jbang-classpath.log");
            final Process stack = new ProcessBuilder("bash", project.resolve("config/stack.sh").toString(), "jbang-classpath")
                    .directory(project.toFile()).redirectError(out.toFile()).start();
            final String file = new String(stack.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!stack.waitFor(10, TimeUnit.MINUTES) || stack.exitValue() != 0 || file.isEmpty()) {
                throw new IllegalStateException("resolving the Camel JBang classpath failed; see " + out);
            }
            classpath = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            return classpath;
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve the Camel JBang classpath", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
