package io.caravan.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;

/**
 * One flow alone under Camel JBang, in its own process, started by the README's documented command
 * (section "Run one flow alone"), read from the README itself so that the two cannot drift:
 * <pre>
 *   mvn install -DskipTests                                  (once per test JVM)
 *   camel run routes/&lt;flow&gt;/&lt;flow&gt;.camel.yaml routes/&lt;flow&gt;/application.properties --dep=mvn:io.caravan:caravan:...
 * </pre>
 * from the project directory, with {@code --port}, {@code --name} and {@code --prop} overrides (the
 * test brokers' ports) appended. {@code camel} is the command {@code config/stack.sh install} puts on
 * PATH; nothing of the flow's classpath is built here: Camel JBang resolves the flow artifact and the
 * components from the local Maven repository (and Maven Central for what is missing).
 */
public final class JBangFlow implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("Apache Camel \\S+ \\(.*\\) started in");
    private static final String SECTION = "## Run one flow alone";
    private static final String TEMPLATE = "<flow>";
    /** Command lines that have started a flow in this JVM (with the network at hand). */
    private static final Set<String> STARTED_COMMANDS = ConcurrentHashMap.newKeySet();
    private static boolean installed;

    private final String flow;
    private final Process process;
    private final Path log;

    private JBangFlow(final String flow, final Process process, final Path log) {
        this.flow = flow;
        this.process = process;
        this.log = log;
    }

    /** Starts routes/{flow} with its HTTP server on {@code httpPort}; returns once Camel has started. */
    public static JBangFlow start(final String flow, final int httpPort, final Map<String, String> props) {
        return start(flow, List.of(flow), httpPort, props, "-Xmx512m");
    }

    /**
     * Starts several flow folders in one runtime, by the README's command line for exactly those flows
     * (events-fanout builds on the beans of ws-ticket and mqtt-acl); {@code javaOpts} go to the JVM
     * through {@code JAVA_OPTS} (the launcher's way, e.g. {@code -Xmx1g}).
     */
    public static JBangFlow start(final String name, final List<String> flows, final int httpPort,
            final Map<String, String> props, final String javaOpts) {
        installFlowArtifact();
        final Path project = ProjectDir.get();
        final List<String> documented = documentedCommand(flows);
        final List<String> cmd = new ArrayList<>(documented);
        cmd.add("--port=" + httpPort);
        cmd.add("--name=" + name);
        cmd.add("--prop=camel.server.host=127.0.0.1");
        props.forEach((k, v) -> cmd.add("--prop=" + k + "=" + v));
        try {
            final Path log = Files.createTempFile(Files.createDirectories(project.resolve("target/jbang-logs")), name + "-", ".log");
            final ProcessBuilder builder = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("JAVA_OPTS", javaOpts);
            final JBangFlow run = new JBangFlow(name, launch(builder), log);
            run.awaitStarted();
            STARTED_COMMANDS.add(String.join(" ", documented));
            return run;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the log of " + name, e);
        }
    }

    /** Whether the README's command for {@code flows} has started in this JVM (its artifacts are then in the local repository). */
    public static boolean startedOnline(final List<String> flows) {
        return STARTED_COMMANDS.contains(String.join(" ", documentedCommand(flows)));
    }

    /**
     * The README's command line for these flow folders, as tokens ({@code camel}, {@code run}, files
     * relative to the project directory, options): the line whose route files are exactly theirs, else
     * (one flow) the {@code <flow>} template line with the name filled in.
     */
    public static List<String> documentedCommand(final List<String> flows) {
        final Set<String> wanted = flows.stream().map(f -> "routes/" + f + "/" + f + ".camel.yaml").collect(Collectors.toSet());
        final List<List<String>> commands = documentedCommands().stream().filter(c -> c.get(0).equals("camel")).toList();
        for (List<String> command : commands) {
            if (routeFiles(command).equals(wanted)) {
                return command;
            }
        }
        if (flows.size() == 1) {
            for (List<String> command : commands) {
                if (String.join(" ", command).contains(TEMPLATE)) {
                    return command.stream().map(t -> t.replace(TEMPLATE, flows.get(0))).toList();
                }
            }
        }
        throw new IllegalStateException("README.md, section \"" + SECTION + "\", has no `camel run` line for " + flows);
    }

    /** The command lines in the code blocks of the README's section "Run one flow alone" (continued lines joined, comments cut). */
    public static List<List<String>> documentedCommands() {
        final List<String> lines;
        try {
            lines = Files.readAllLines(ProjectDir.resolve("README.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read README.md", e);
        }
        final int start = lines.indexOf(SECTION);
        if (start < 0) {
            throw new IllegalStateException("README.md has no section \"" + SECTION + "\"");
        }
        final List<List<String>> commands = new ArrayList<>();
        boolean inCode = false;
        final StringBuilder pending = new StringBuilder();
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            final String line = lines.get(i);
            if (line.startsWith("```")) {
                inCode = !inCode;
                continue;
            }
            if (!inCode) {
                continue;
            }
            final String code = line.replaceFirst("\\s+#.*$", "").replaceFirst("^#.*$", "").strip();
            if (code.endsWith("\\")) {
                pending.append(code, 0, code.length() - 1).append(' ');
                continue;
            }
            pending.append(code);
            final String command = pending.toString().strip();
            pending.setLength(0);
            if (!command.isEmpty()) {
                commands.add(Arrays.asList(command.split("\\s+")));
            }
        }
        return commands;
    }

    /** The route files ({@code *.camel.yaml}) a command line names. */
    public static Set<String> routeFiles(final List<String> command) {
        return command.stream().filter(t -> t.endsWith(".camel.yaml")).collect(Collectors.toSet());
    }

    /**
     * The README's {@code mvn install} step, once per JVM (without the gateway's -exec repackaging, which
     * {@code camel run} does not use): puts the flows' artifact from this checkout into the local repository.
     */
    static synchronized void installFlowArtifact() {
        if (installed) {
            return;
        }
        final List<String> mvn = documentedCommands().stream().filter(c -> c.get(0).equals("mvn")).findFirst()
                .orElseThrow(() -> new IllegalStateException("README.md, section \"" + SECTION + "\", has no `mvn install` line"));
        final List<String> cmd = new ArrayList<>(mvn);
        cmd.addAll(List.of("-B", "-q", "-Dspring-boot.repackage.skip=true"));
        final Path project = ProjectDir.get();
        try {
            final Path out = Files.createDirectories(project.resolve("target/jbang-logs")).resolve("mvn-install.log");
            final Process install = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!install.waitFor(10, TimeUnit.MINUTES)) {
                install.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " took over 10 minutes; see " + out);
            }
            if (install.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + install.exitValue() + "); see " + out);
            }
            installed = true;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static Process launch(final ProcessBuilder builder) {
        try {
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run `" + builder.command().get(0) + "` (" + e.getMessage()
                    + "): config/stack.sh install puts the camel command on PATH", e);
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
            Awaitility.await("Camel JBang running " + flow).atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
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
}
