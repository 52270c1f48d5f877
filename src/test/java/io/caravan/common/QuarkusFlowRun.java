package io.caravan.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One flow's Quarkus app (built by {@link QuarkusFlowApps}) started in JVM mode the way a Camel K 2.10.1
 * pod starts it: {@code java -jar quarkus-run.jar} with QUARKUS_CONFIG_LOCATIONS naming the operator's
 * application.properties, which holds the camel trait's {@code properties}, the sources' location
 * (mount trait: {@code camel.main.routes-include-pattern=file:<sources>/**}) and
 * {@code camel.main.cloud-properties-location} listing the mounted ConfigMap/Secret folders. Those
 * folders are laid out under target/quarkus-apps/&lt;flow&gt;/etc-camel/ from camel-k/&lt;flow&gt;/ (the
 * kustomization's configMapGenerator) and the Secrets the test passes. Only the brokers' and the
 * issuer's addresses (and the listeners' ports) are overridden, as -D system properties.
 */
public final class QuarkusFlowRun implements AutoCloseable {

    /** Quarkus's last start line (Camel has started before it, the HTTP server listens from it on). */
    private static final Pattern STARTED = Pattern.compile("\\(powered by Quarkus \\S+\\) started in .*Listening on");

    private final String flow;
    private final Process process;
    private final Path log;
    private final int port;
    private final long startMillis;

    private QuarkusFlowRun(final String flow, final Process process, final Path log, final int port, final long startMillis) {
        this.flow = flow;
        this.process = process;
        this.log = log;
        this.port = port;
        this.startMillis = startMillis;
    }

    /**
     * @param secrets Secret name → (key → value), as {@code kubectl create secret generic --from-literal} makes them
     * @param overrides -D system properties (brokers on loopback, listener ports)
     */
    public static QuarkusFlowRun start(final QuarkusFlowApps.Build build, final Map<String, Map<String, String>> secrets,
            final Map<String, String> overrides) throws IOException {
        final Launch launch = prepare(build, secrets, overrides);
        final Path log = Files.createTempFile(build.dir(), "run-", ".log");
        final ProcessBuilder pb = new ProcessBuilder(launch.command()).directory(build.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(launch.env());
        final long t0 = System.currentTimeMillis();
        final QuarkusFlowRun run = new QuarkusFlowRun(build.flow(), pb.start(), log, launch.port(), t0);
        run.awaitStarted();
        return run;
    }

    /** The command and environment of the pod's JVM, for a test that runs it elsewhere (e.g. inside a network namespace). */
    public record Launch(List<String> command, Map<String, String> env, int port) {
    }

    /** Lays out what the operator mounts and returns how the pod would start the app (does not start it). */
    public static Launch prepare(final QuarkusFlowApps.Build build, final Map<String, Map<String, String>> secrets,
            final Map<String, String> overrides) throws IOException {
        final QuarkusFlowApps.Manifest m = QuarkusFlowApps.manifest(build.flow());
        final Path etc = build.dir().resolve("etc-camel");
        deleteTree(etc);
        final Path sources = Files.createDirectories(etc.resolve("sources"));
        for (String s : m.sources()) {
            Files.copy(ProjectDir.resolve("camel-k/" + m.flow() + "/" + s), sources.resolve(s));
        }
        final Map<String, List<String>> generated = configMapFiles(m.flow());
        final List<String> cloud = new ArrayList<>();
        for (String c : m.configs()) {
            final String kind = c.substring(0, c.indexOf(':'));
            final String name = c.substring(c.indexOf(':') + 1);
            final Path dir = Files.createDirectories(etc.resolve("conf.d/_" + kind + "s/" + name));
            if ("configmap".equals(kind)) {
                final List<String> files = generated.get(name);
                if (files == null) {
                    throw new IllegalStateException(m.flow() + ": ConfigMap " + name + " is made by no configMapGenerator");
                }
                for (String f : files) {
                    Files.copy(ProjectDir.resolve("camel-k/" + m.flow() + "/" + f), dir.resolve(Path.of(f).getFileName()));
                }
            } else {
                final Map<String, String> keys = secrets.get(name);
                if (keys == null) {
                    throw new IllegalStateException(m.flow() + ": the test gives no value for Secret " + name);
                }
                for (Map.Entry<String, String> e : keys.entrySet()) {
                    Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
                }
            }
            cloud.add(dir.toString());
        }
        final StringBuilder app = new StringBuilder("# what Camel K 2.10.1 writes to /etc/camel/application.properties (camel, mount traits)\n");
        m.quarkusProperties().forEach(p -> app.append(p).append('\n'));
        app.append("camel.main.source-location-enabled=true\n");
        app.append("camel.main.routes-include-pattern=file:").append(sources).append("/**\n");
        if (!cloud.isEmpty()) {
            app.append("camel.main.cloud-properties-location=").append(String.join(",", cloud)).append('\n');
        }
        final Path appProps = etc.resolve("application.properties");
        Files.writeString(appProps, app.toString(), StandardCharsets.UTF_8);

        final int port = FreePorts.next();
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port));
        // "@HTTP_PORT@" in a value stands for the Quarkus HTTP port chosen here
        overrides.forEach((k, v) -> cmd.add("-D" + k + "=" + v.replace("@HTTP_PORT@", String.valueOf(port))));
        // diagnosis only (printed): -Dcaravan.quarkus.extra-props=k=v;k=v adds properties the manifest does not set
        final String extra = System.getProperty("caravan.quarkus.extra-props", "");
        if (!extra.isBlank()) {
            System.out.println("[caravan.quarkus] NOT THE MANIFEST: " + m.flow() + " runs with extra properties " + extra);
            for (String kv : extra.split(";")) {
                cmd.add("-D" + kv.trim());
            }
        }
        cmd.add("-jar");
        cmd.add(build.runJar().toString());
        return new Launch(cmd, Map.of("QUARKUS_CONFIG_LOCATIONS", appProps.toString()), port);
    }

    /** configMapGenerator name → files, from camel-k/&lt;flow&gt;/kustomization.yaml. */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> configMapFiles(final String flow) throws IOException {
        final Map<String, List<String>> out = new LinkedHashMap<>();
        try (Reader r = Files.newBufferedReader(ProjectDir.resolve("camel-k/" + flow + "/kustomization.yaml"), StandardCharsets.UTF_8)) {
            final Map<String, Object> k = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            final Object gens = k.get("configMapGenerator");
            if (gens instanceof List<?> list) {
                for (Object g : list) {
                    final Map<String, Object> gen = (Map<String, Object>) g;
                    final List<String> files = new ArrayList<>();
                    if (gen.get("files") instanceof List<?> fs) {
                        // an entry is "file" or "key=file"
                        fs.forEach(f -> files.add(String.valueOf(f).substring(String.valueOf(f).indexOf('=') + 1)));
                    }
                    out.put(String.valueOf(gen.get("name")), files);
                }
            }
        }
        return out;
    }

    public int port() {
        return port;
    }

    public String url(final String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public long startMillis() {
        return startMillis;
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
            Awaitility.await("Camel Quarkus running " + flow).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("the Quarkus app of " + flow + " exited (" + process.exitValue() + "):\n" + tail());
                        }
                        return STARTED.matcher(log()).find();
                    });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public String tail() {
        final String all = log();
        return all.length() > 8000 ? all.substring(all.length() - 8000) : all;
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

    private static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
