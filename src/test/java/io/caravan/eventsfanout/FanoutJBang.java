package io.caravan.eventsfanout;

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

import io.caravan.common.JBangLauncher;
import io.caravan.common.ProjectDir;
import org.awaitility.Awaitility;

/**
 * events-fanout under Camel JBang's runtime, with the two flows it builds on, in its own JVM, as
 * an operator runs it without the Spring Boot gateway:
 * <pre>
 *   camel run routes/ws-ticket/ws-ticket.camel.yaml routes/mqtt-acl/mqtt-acl.camel.yaml routes/events-fanout/events-fanout.camel.yaml \
 *     routes/ws-ticket/application.properties routes/mqtt-acl/application.properties routes/events-fanout/application.properties
 * </pre>
 * ({@link io.caravan.common.JBangFlow} runs exactly one flow folder; this flow writes to ws-ticket's
 * sockets and asks mqtt-acl's registry, so it cannot run without their beans.)
 */
final class FanoutJBang implements AutoCloseable {

    static final List<String> FLOWS = List.of("ws-ticket", "mqtt-acl", "events-fanout");
    private static final Pattern STARTED = Pattern.compile("Apache Camel \\S+ \\(.*\\) started in");

    private final Process process;
    private final Path log;

    private FanoutJBang(final Process process, final Path log) {
        this.process = process;
        this.log = log;
    }

    static FanoutJBang start(final int httpPort, final Map<String, String> props) {
        return start(httpPort, props, "-Xmx512m");
    }

    /** As {@link #start(int, Map)} with the given JVM heap option (the benchmark uses -Xmx1g). */
    static FanoutJBang start(final int httpPort, final Map<String, String> props, final String heap) {
        final Path project = ProjectDir.get();
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-Duser.home=" + project.resolve("target/jbang-home"),
                "-cp", classpath() + ":" + project.resolve("target/classes") + ":" + project.resolve("target/test-classes"),
                JBangLauncher.class.getName(), "run"));
        FLOWS.forEach(f -> cmd.add(project.resolve("routes/" + f + "/" + f + ".camel.yaml").toString()));
        FLOWS.forEach(f -> cmd.add(project.resolve("routes/" + f + "/application.properties").toString()));
        cmd.add("--port=" + httpPort);
        cmd.add("--name=events-fanout");
        props.forEach((k, v) -> cmd.add("--prop=" + k + "=" + v));
        try {
            final Path logFile = Files.createTempFile(Files.createDirectories(project.resolve("target/jbang-logs")), "events-fanout-", ".log");
            final Path workDir = Files.createDirectories(project.resolve("target/jbang-work"));
            final Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
            final FanoutJBang run = new FanoutJBang(p, logFile);
            try {
                Awaitility.await("Camel JBang running events-fanout").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            if (!p.isAlive()) {
                                throw new IllegalStateException("Camel JBang exited (" + p.exitValue() + "):\n" + run.tail());
                            }
                            return STARTED.matcher(run.log()).find();
                        });
            } catch (RuntimeException e) {
                run.close();
                throw e;
            }
            return run;
        } catch (IOException e) {
            throw new IllegalStateException("cannot launch Camel JBang", e);
        }
    }

    long pid() {
        return process.pid();
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    String tail() {
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

    /** The classpath io.caravan.common.JBangFlow resolves (same pom, same cache file). */
    private static synchronized String classpath() {
        final Path project = ProjectDir.get();
        final Path cached = project.resolve("target/jbang.classpath");
        try {
            final Path pom = project.resolve("src/test/jbang/pom.xml");
            if (!Files.isRegularFile(cached) || Files.getLastModifiedTime(cached).compareTo(Files.getLastModifiedTime(pom)) < 0) {
                final Path out = project.resolve("target/jbang-classpath.log");
                final Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", project.resolve("src/test/jbang/pom.xml").toString(),
                        "dependency:build-classpath", "-Dmdep.outputFile=" + cached).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!mvn.waitFor(10, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
                    throw new IllegalStateException("resolving the Camel JBang classpath failed; see " + out);
                }
            }
            return Files.readString(cached, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot resolve the Camel JBang classpath", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
