package io.caravan.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Builds, per flow, the application Camel K 2.10.1's plain-quarkus builder would build from
 * camel-k/&lt;flow&gt;/&lt;flow&gt;.yaml (pkg/builder/quarkus.go): the Quarkus Platform BOMs at the
 * manifest's {@code traits.camel.runtimeVersion}, quarkus-maven-plugin at that version (fast-jar,
 * JVM mode), exactly the manifest's {@code dependencies} ({@code camel:x} becomes
 * {@code org.apache.camel.quarkus:camel-quarkus-x}, {@code mvn:g:a:v} that artifact) plus what the
 * health and prometheus traits add (the catalog's capabilities). One Maven reactor builds all the
 * flows asked for under target/quarkus-apps/. {@link #layOut} lays out what the operator mounts
 * (sources, the properties ConfigMap, the Secrets, /etc/camel/application.properties).
 *
 * <p>DEVIATION, printed on every build: camel-quarkus-spring-rabbitmq and camel-quarkus-paho-mqtt5
 * are not served by this machine's Maven registry. {@code camel:spring-rabbitmq} becomes
 * org.apache.camel:camel-spring-rabbitmq 4.17.0 + spring-context/core/beans 6.2.15 (the Camel
 * Quarkus BOM strips them from it) and {@code camel:paho-mqtt5} org.apache.camel:camel-paho-mqtt5
 * 4.17.0: the plain Camel components, which work in JVM mode only. A real cluster's operator gets
 * the extensions from Maven Central.
 */
public final class QuarkusFlowApps {

    public static final List<String> FLOWS = List.of("status", "oauth2", "ws-ticket", "mqtt-acl", "events-fanout",
            "firmware-publish", "ts-multicast");

    /** The extensions not served here and what stands in for them (JVM mode only). */
    static final Map<String, List<String>> STAND_INS = Map.of(
            "spring-rabbitmq", List.of("org.apache.camel:camel-spring-rabbitmq:4.17.0",
                    "org.springframework:spring-context:6.2.15", "org.springframework:spring-core:6.2.15",
                    "org.springframework:spring-beans:6.2.15"),
            "paho-mqtt5", List.of("org.apache.camel:camel-paho-mqtt5:4.17.0"));

    /** What the health and prometheus traits add (capabilities of Camel K 2.10.1's catalog). */
    private static final List<String> HEALTH_DEPS = List.of("org.apache.camel.quarkus:camel-quarkus-microprofile-health");
    private static final List<String> PROMETHEUS_DEPS = List.of("io.quarkus:quarkus-micrometer-registry-prometheus",
            "org.apache.camel.quarkus:camel-quarkus-micrometer");

    /** Artifacts a Spring-free flow artifact would not bring (issue 19 item 1): -Dcaravan.quarkus.exclude-spring=true. */
    private static final List<String> SPRING_EXCLUSIONS = List.of("org.springframework.boot:*", "org.springframework:*",
            "org.springframework.data:*", "org.springframework.amqp:*", "org.apache.camel.springboot:*",
            "org.apache.tomcat.embed:*", "io.micrometer:*", "software.amazon.cryptools:*");

    static final String FLOW_ARTIFACT = "io.caravan:caravan";
    /**
     * The version under which the harness installs this work tree's target/caravan-0.1.0-SNAPSHOT.jar: the shared
     * local repository's 0.1.0-SNAPSHOT is whatever work tree ran `mvn install` last.
     */
    static final String HARNESS_VERSION = "0.1.0-quarkus-harness";

    private static final Pattern REACTOR_LINE = Pattern.compile("\\[INFO\\] caravan-quarkus-(\\S+) \\S* ?[. ]*(SUCCESS|FAILURE|SKIPPED)(?: \\[ *([0-9.:]+) ?(s|min)\\])?");

    private QuarkusFlowApps() {
    }

    /** The manifest's parts the harness uses. */
    public record Manifest(String flow, String runtimeProvider, String runtimeVersion, List<String> dependencies,
            List<String> sources, List<String> quarkusProperties, List<String> configs, List<String> resources,
            boolean health, boolean prometheus) {
    }

    /** The outcome of the shared build for one flow. */
    public record Build(String flow, boolean ok, String reactorTime, Path dir, String logExcerpt) {
        public Path runJar() {
            return dir.resolve("target/quarkus-app/quarkus-run.jar");
        }
    }

    public static Path root() {
        return ProjectDir.resolve("target/quarkus-apps");
    }

    /** Reads camel-k/&lt;flow&gt;/&lt;flow&gt;.yaml with a YAML parser (no pattern matching on its structure). */
    @SuppressWarnings("unchecked")
    public static Manifest manifest(final String flow) {
        final Path file = ProjectDir.resolve("camel-k/" + flow + "/" + flow + ".yaml");
        final Map<String, Object> it;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            it = (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
        final Map<String, Object> spec = map(it.get("spec"));
        final Map<String, Object> traits = map(spec.get("traits"));
        final Map<String, Object> camel = map(traits.get("camel"));
        final Map<String, Object> mount = map(traits.get("mount"));
        final List<String> sources = new ArrayList<>();
        for (Object s : list(spec.get("sources"))) {
            sources.add(String.valueOf(map(s).get("name")));
        }
        return new Manifest(flow, String.valueOf(camel.get("runtimeProvider")), String.valueOf(camel.get("runtimeVersion")),
                strings(spec.get("dependencies")), sources, strings(camel.get("properties")), strings(mount.get("configs")),
                strings(mount.get("resources")), enabled(traits.get("health")), enabled(traits.get("prometheus")));
    }

    /** Maven coordinates (g:a[:v]) of the application's dependencies, in the manifest's order. */
    public static List<String> coordinates(final Manifest m) {
        final Set<String> deps = new LinkedHashSet<>();
        for (String d : m.dependencies()) {
            if (d.startsWith("camel:")) {
                final String name = d.substring("camel:".length());
                deps.addAll(STAND_INS.getOrDefault(name, List.of("org.apache.camel.quarkus:camel-quarkus-" + name)));
            } else if (d.startsWith("mvn:" + FLOW_ARTIFACT + ":")) {
                // this work tree's flow artifact, installed by installFlowArtifact under a version of its own
                deps.add(FLOW_ARTIFACT + ":" + HARNESS_VERSION);
            } else if (d.startsWith("mvn:")) {
                deps.add(d.substring("mvn:".length()));
            } else {
                throw new IllegalArgumentException(m.flow() + ": dependency of an unknown kind: " + d);
            }
        }
        if (m.health()) {
            deps.addAll(HEALTH_DEPS);
        }
        if (m.prometheus()) {
            deps.addAll(PROMETHEUS_DEPS);
        }
        return new ArrayList<>(deps);
    }

    /** The stand-ins this flow uses (empty when it needs none). */
    public static List<String> deviations(final Manifest m) {
        final List<String> out = new ArrayList<>();
        for (String d : m.dependencies()) {
            final String name = d.startsWith("camel:") ? d.substring("camel:".length()) : "";
            if (STAND_INS.containsKey(name)) {
                out.add("camel-quarkus-" + name + " is not served here: JVM-mode stand-in " + String.join(" + ", STAND_INS.get(name)));
            }
        }
        return out;
    }

    /** Writes target/quarkus-apps/&lt;flow&gt;/pom.xml from src/test/quarkus/pom.xml.template. */
    public static Path generate(final Manifest m, final boolean platformBoms, final boolean excludeSpring) throws IOException {
        if (!"plain-quarkus".equals(m.runtimeProvider())) {
            throw new IllegalStateException(m.flow() + ": traits.camel.runtimeProvider is " + m.runtimeProvider() + ", not plain-quarkus");
        }
        final String template = Files.readString(ProjectDir.resolve("src/test/quarkus/pom.xml.template"), StandardCharsets.UTF_8);
        final StringBuilder boms = new StringBuilder();
        if (platformBoms) {
            // what Camel K 2.10.1 imports for plain-quarkus: runtimeVersion is the Quarkus Platform version
            boms.append(bom("io.quarkus.platform", "quarkus-camel-bom", m.runtimeVersion()));
            boms.append(bom("io.quarkus.platform", "quarkus-bom", m.runtimeVersion()));
        } else {
            // fallback when the platform BOMs do not resolve: core Quarkus + Camel Quarkus 3.31.0 (Camel 4.17.0)
            boms.append(bom("io.quarkus", "quarkus-bom", m.runtimeVersion()));
            boms.append(bom("org.apache.camel.quarkus", "camel-quarkus-bom", "3.31.0"));
        }
        final StringBuilder deps = new StringBuilder();
        for (String c : coordinates(m)) {
            final String[] p = c.split(":");
            deps.append("    <dependency><groupId>").append(p[0]).append("</groupId><artifactId>").append(p[1]).append("</artifactId>");
            if (p.length > 2) {
                deps.append("<version>").append(p[2]).append("</version>");
            }
            if (excludeSpring && "io.caravan".equals(p[0])) {
                deps.append("\n      <exclusions>");
                for (String e : SPRING_EXCLUSIONS) {
                    final String[] x = e.split(":");
                    deps.append("<exclusion><groupId>").append(x[0]).append("</groupId><artifactId>").append(x[1])
                            .append("</artifactId></exclusion>");
                }
                deps.append("</exclusions>\n    ");
            }
            deps.append("</dependency>\n");
        }
        final Path dir = Files.createDirectories(root().resolve(m.flow()));
        final String pom = template.replace("@FLOW@", m.flow()).replace("@RUNTIME_VERSION@", m.runtimeVersion())
                .replace("@BOMS@", boms.toString().stripTrailing()).replace("@DEPENDENCIES@", deps.toString().stripTrailing());
        Files.writeString(dir.resolve("pom.xml"), pom, StandardCharsets.UTF_8);
        // what the builder writes into src/main/resources/application.properties (BuildQuarkusRunnerCommon)
        final Path resources = Files.createDirectories(dir.resolve("src/main/resources"));
        final String props = "quarkus.banner.enabled=false\n";
        Files.writeString(resources.resolve("application.properties"), props, StandardCharsets.UTF_8);
        return dir;
    }

    private static String bom(final String g, final String a, final String v) {
        return "      <dependency><groupId>" + g + "</groupId><artifactId>" + a + "</artifactId><version>" + v
                + "</version><type>pom</type><scope>import</scope></dependency>\n";
    }

    /**
     * Generates the asked flows and builds them in one Maven reactor (fail at end: one flow's failure does
     * not stop the others). {@code mvn} runs online unless caravan.quarkus.offline=true.
     */
    public static synchronized Map<String, Build> buildAll(final List<String> flows) {
        if (!Boolean.getBoolean("caravan.quarkus.fallback-boms")) {
            final Map<String, Build> builds = buildAll(flows, true);
            final String log = readLog();
            if (!log.contains(PLATFORM_PROPERTIES_MISSING)) {
                return builds;
            }
            // checked 2026-12-08: io.quarkus.platform:quarkus-camel-bom-quarkus-platform-properties:properties:3.31.3 is
            // not served by this machine's registry, so Quarkus cannot bootstrap on the platform BOMs here
            System.out.println("[caravan.quarkus] FALLBACK: the Quarkus Platform BOMs do not resolve here (" + PLATFORM_PROPERTIES_MISSING
                    + "... not found): building on io.quarkus:quarkus-bom + org.apache.camel.quarkus:camel-quarkus-bom 3.31.0 instead"
                    + " (-Dcaravan.quarkus.fallback-boms=true skips the first attempt)");
        }
        return buildAll(flows, false);
    }

    private static final String PLATFORM_PROPERTIES_MISSING = "Failed to resolve artifact io.quarkus.platform:quarkus-camel-bom-quarkus-platform-properties";

    private static String readLog() {
        try {
            return Files.readString(root().resolve("build.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static Map<String, Build> buildAll(final List<String> flows, final boolean platformBoms) {
        final boolean excludeSpring = Boolean.getBoolean("caravan.quarkus.exclude-spring");
        try {
            final Path root = Files.createDirectories(root());
            final StringBuilder modules = new StringBuilder();
            for (String flow : flows) {
                final Manifest m = manifest(flow);
                generate(m, platformBoms, excludeSpring);
                for (String d : deviations(m)) {
                    // the harness's one visible deviation from the operator's build
                    System.out.println("[caravan.quarkus] DEVIATION " + flow + ": " + d);
                }
                modules.append("    <module>").append(flow).append("</module>\n");
            }
            System.out.println("[caravan.quarkus] BOMs: " + (platformBoms ? "io.quarkus.platform quarkus-camel-bom + quarkus-bom (as Camel K)"
                    : "FALLBACK io.quarkus:quarkus-bom + org.apache.camel.quarkus:camel-quarkus-bom 3.31.0")
                    + "; caravan jar " + (excludeSpring ? "WITH Spring/Tomcat exclusions and without its application.properties (what a Spring-free artifact would give)" : "as is (with its Spring Boot dependencies and its application.properties)"));
            Files.writeString(root.resolve("pom.xml"), """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <!-- generated by io.caravan.common.QuarkusFlowApps: one reactor for the flows' Quarkus apps -->
                    <project xmlns="http://maven.apache.org/POM/4.0.0">
                      <modelVersion>4.0.0</modelVersion>
                      <groupId>org.apache.camel.k.integration</groupId>
                      <artifactId>caravan-quarkus-apps</artifactId>
                      <version>0.0.0-harness</version>
                      <packaging>pom</packaging>
                      <modules>
                    %s  </modules>
                    </project>
                    """.formatted(modules), StandardCharsets.UTF_8);
            installFlowArtifact(root, excludeSpring);
            final Path log = root.resolve("build.log");
            final List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "--fail-at-end", "package", "-Dmaven.test.skip=true"));
            if (Boolean.getBoolean("caravan.quarkus.offline")) {
                cmd.add("-o");
            }
            final long t0 = System.nanoTime();
            final Process mvn = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!mvn.waitFor(40, TimeUnit.MINUTES)) {
                mvn.destroyForcibly();
                throw new IllegalStateException("the Quarkus build timed out; see " + log);
            }
            final String out = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println("[caravan.quarkus] reactor of " + flows + " built in "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s (exit " + mvn.exitValue() + "); log " + log);
            final Map<String, Build> builds = new LinkedHashMap<>();
            final Matcher r = REACTOR_LINE.matcher(out);
            final Map<String, String> times = new LinkedHashMap<>();
            final Map<String, String> states = new LinkedHashMap<>();
            while (r.find()) {
                states.put(r.group(1), r.group(2));
                times.put(r.group(1), r.group(3) == null ? "-" : r.group(3) + " " + r.group(4));
            }
            for (String flow : flows) {
                final Path dir = root.resolve(flow);
                final boolean ok = "SUCCESS".equals(states.get(flow)) && Files.isRegularFile(dir.resolve("target/quarkus-app/quarkus-run.jar"));
                builds.put(flow, new Build(flow, ok, times.getOrDefault(flow, "?"), dir, ok ? "" : errorsOf(out, flow)));
            }
            return builds;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the Quarkus apps", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Installs this work tree's target/caravan-0.1.0-SNAPSHOT.jar (with the project's pom) as
     * io.caravan:caravan:{@value #HARNESS_VERSION}. With {@code stripGatewayConfig} the copy leaves out the jar's
     * root application.properties (the Boot gateway's configuration): Quarkus reads every application.properties on
     * the build classpath and bakes its values into the app (quarkus.class-loading.removed-resources removes the file
     * but not those values), so a Spring-free flow artifact must not carry it (issue 19 item 1).
     */
    private static void installFlowArtifact(final Path root, final boolean stripGatewayConfig) throws IOException, InterruptedException {
        final Path jar = ProjectDir.resolve("target/caravan-0.1.0-SNAPSHOT.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + ": run `mvn -B -q -o install -DskipTests` first (src/test/quarkus/run.sh does)");
        }
        final Path dir = Files.createDirectories(root.resolve("flow-artifact"));
        final Path copy = dir.resolve("caravan-" + HARNESS_VERSION + ".jar");
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(Files.newInputStream(jar));
                java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(copy))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                if (stripGatewayConfig && "application.properties".equals(e.getName())) {
                    continue;
                }
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        final String pom = Files.readString(ProjectDir.resolve("pom.xml"), StandardCharsets.UTF_8)
                .replaceFirst("<artifactId>caravan</artifactId>\\s*<version>0\\.1\\.0-SNAPSHOT</version>",
                        "<artifactId>caravan</artifactId><version>" + HARNESS_VERSION + "</version>");
        final Path pomCopy = dir.resolve("pom.xml");
        Files.writeString(pomCopy, pom, StandardCharsets.UTF_8);
        final Process mvn = new ProcessBuilder("mvn", "-B", "-q", "-o", "org.apache.maven.plugins:maven-install-plugin:3.1.4:install-file",
                "-Dfile=" + copy, "-DpomFile=" + pomCopy).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("install.log").toFile()).start();
        if (!mvn.waitFor(5, TimeUnit.MINUTES) || mvn.exitValue() != 0) {
            throw new IllegalStateException("installing the flow artifact failed; see " + dir.resolve("install.log"));
        }
        System.out.println("[caravan.quarkus] DEVIATION flow artifact: mvn:io.caravan:caravan:0.1.0-SNAPSHOT is this work tree's "
                + "target/caravan-0.1.0-SNAPSHOT.jar installed as " + FLOW_ARTIFACT + ":" + HARNESS_VERSION
                + (stripGatewayConfig ? " WITHOUT its root application.properties" : " as is"));
    }

    /** The [ERROR] lines of the reactor log that concern the flow's module (or all of them when none name it). */
    private static String errorsOf(final String log, final String flow) {
        final StringBuilder all = new StringBuilder();
        final StringBuilder mine = new StringBuilder();
        for (String line : log.split("\n")) {
            if (line.startsWith("[ERROR]") || line.contains("Caused by") || line.contains("ClassNotFound") || line.contains("NoClassDefFound")) {
                all.append(line).append('\n');
                if (line.contains("caravan-quarkus-" + flow)) {
                    mine.append(line).append('\n');
                }
            }
        }
        final String s = (mine.length() > 0 ? mine : all).toString();
        return s.length() > 8000 ? s.substring(0, 8000) : s;
    }

    private static boolean enabled(final Object trait) {
        return trait instanceof Map<?, ?> t && Boolean.TRUE.equals(t.get("enabled"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
    }

    private static List<?> list(final Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static List<String> strings(final Object o) {
        final List<String> out = new ArrayList<>();
        for (Object x : list(o)) {
            out.add(String.valueOf(x));
        }
        return out;
    }
}
