package io.caravan.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Checks the Camel K deployment under camel-k/: one folder per flow with its Integration
 * ({@code <flow>/<flow>.yaml}), a kustomization.yaml that defines what the Integration names, the
 * cluster properties, copies of the flow YAML, and examples of the Secrets it references.
 *
 * <p>Sources of truth, all from Camel K v2.10.1 (tag v2.10.1, commit 1f62155c) unless said otherwise:
 * the Integration and Pipe CRDs (pkg/resources/config/crd/bases), the operator's default catalog
 * camel-catalog-3.15.3 (pkg/resources/resources: the catalog the plain-quarkus provider checks
 * {@code camel:} dependencies against, see pkg/trait/camel.go and pkg/util/camel/camel_dependencies.go),
 * and the Camel Quarkus extensions managed by io.quarkus.platform:quarkus-camel-bom:3.31.3 (the BOM
 * the plain-quarkus builder imports for runtimeVersion 3.31.3, pkg/builder/quarkus.go).
 */
public final class CamelKManifests {

    /** Plain Camel Quarkus, as Camel K 2.10 recommends for every Integration. */
    public static final String RUNTIME_PROVIDER = "plain-quarkus";
    /**
     * The Quarkus Platform version: Camel K's plain-quarkus builder imports
     * io.quarkus.platform:quarkus-camel-bom and quarkus-bom at this version and runs
     * quarkus-maven-plugin at it. 3.31.3 manages Camel Quarkus 3.31.0 = Camel 4.17.0; there is no
     * platform release 3.31.0.
     */
    public static final String RUNTIME_VERSION = "3.31.3";

    /** Keys of routes/&lt;flow&gt;/application.properties that mean nothing on Camel K. */
    private static final Pattern NOT_FOR_THE_CLUSTER = Pattern.compile("camel\\.jbang\\..*|server\\..*");
    private static final Pattern LOCAL_ADDRESS = Pattern.compile("(?i)localhost|127\\.0\\.0\\.1|\\[::1]|0:0:0:0:0:0:0:1");
    private static final String MULTUS_NETWORKS = "k8s.v1.cni.cncf.io/networks";
    /** The step keys whose URI Camel K's YAML inspector resolves. */
    private static final Set<String> ENDPOINT_KEYS = Set.of("from", "to", "to-d", "toD", "wire-tap", "wireTap");

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, JsonSchema> SCHEMAS = Map.of(
            "Integration", schema("camel.apache.org_integrations.yaml"),
            "Pipe", schema("camel.apache.org_pipes.yaml"));
    private static final Set<String> CATALOG_ARTIFACTS = catalogArtifacts();
    private static final Set<String> CAMEL_QUARKUS_EXTENSIONS = camelQuarkusExtensions();
    private static final Set<String> CATALOG_SCHEMES = catalogSchemes();

    private CamelKManifests() {
    }

    /** camel-k/ of the checkout. */
    public static Path root() {
        return ProjectDir.resolve("camel-k");
    }

    /** routes/ of the checkout. */
    public static Path routes() {
        return ProjectDir.resolve("routes");
    }

    /** The flow folders under {@code root}. */
    public static List<Path> flowDirs(final Path root) {
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Integration manifest of every flow folder under camel-k/. */
    public static List<Path> all() {
        return flowDirs(root()).stream().map(CamelKManifests::manifest).toList();
    }

    /** {@code <dir>/<dir>.yaml}. */
    public static Path manifest(final Path flowDir) {
        return flowDir.resolve(flowDir.getFileName() + ".yaml");
    }

    /** The YAML documents of a file (empty documents dropped). */
    public static List<JsonNode> documents(final Path file) throws IOException {
        final List<JsonNode> docs = new ArrayList<>();
        for (final JsonNode doc : YAML.readValues(new YAMLFactory().createParser(file.toFile()), JsonNode.class).readAll()) {
            if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                docs.add(doc);
            }
        }
        return docs;
    }

    /** The one Integration of a flow folder. */
    public static JsonNode integration(final Path flowDir) throws IOException {
        return documents(manifest(flowDir)).stream().filter(d -> "Integration".equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no Integration in " + manifest(flowDir)));
    }

    /**
     * Schema problems of one manifest file (all its YAML documents) against the v2.10.1 CRDs, made
     * strict like {@code kubectl apply --validate=strict}; empty when valid.
     */
    public static List<String> problems(final Path file) throws IOException {
        final List<String> problems = new ArrayList<>();
        final List<JsonNode> documents;
        try {
            documents = documents(file);
        } catch (IOException e) {
            return List.of(file + ": not YAML: " + e.getMessage());
        }
        for (final JsonNode doc : documents) {
            problems.addAll(schemaProblems(file.toString(), doc));
        }
        if (documents.stream().noneMatch(d -> SCHEMAS.containsKey(d.path("kind").asText()))) {
            problems.add(file + ": holds no Integration or Pipe");
        }
        return problems;
    }

    private static List<String> schemaProblems(final String where, final JsonNode doc) {
        final List<String> problems = new ArrayList<>();
        final String kind = doc.path("kind").asText();
        final String name = doc.path("metadata").path("name").asText();
        if (name.isBlank()) {
            problems.add(where + ": " + kind + " without metadata.name");
        }
        if ("Secret".equals(kind)) {
            problems.add(where + ": a Secret is committed; reference it, never commit it");
            return problems;
        }
        final JsonSchema schema = SCHEMAS.get(kind);
        if (schema == null) {
            return problems;
        }
        if (!"camel.apache.org/v1".equals(doc.path("apiVersion").asText())) {
            problems.add(where + ": " + kind + " apiVersion must be camel.apache.org/v1");
        }
        for (final ValidationMessage message : schema.validate(doc)) {
            problems.add(where + ": " + kind + " " + name + ": " + message.getMessage());
        }
        return problems;
    }

    /**
     * The runtime Camel K 2.10 must build: plain Camel Quarkus at {@link #RUNTIME_VERSION}, and only
     * {@code camel:} dependencies that both the operator's catalog (which rejects unknown ones) and
     * Camel Quarkus 3.31.0 (which the build resolves them from) have.
     */
    public static List<String> runtimeProblems(final JsonNode integration) {
        final List<String> problems = new ArrayList<>();
        final String name = integration.path("metadata").path("name").asText();
        final JsonNode camel = integration.path("spec").path("traits").path("camel");
        if (!RUNTIME_PROVIDER.equals(camel.path("runtimeProvider").asText())) {
            problems.add(name + ": traits.camel.runtimeProvider is '" + camel.path("runtimeProvider").asText() + "', not " + RUNTIME_PROVIDER);
        }
        if (!RUNTIME_VERSION.equals(camel.path("runtimeVersion").asText())) {
            problems.add(name + ": traits.camel.runtimeVersion is '" + camel.path("runtimeVersion").asText() + "', not " + RUNTIME_VERSION);
        }
        for (final JsonNode d : integration.path("spec").path("dependencies")) {
            final String dep = d.asText();
            if (dep.startsWith("camel:")) {
                final String artifact = "camel-quarkus-" + dep.substring("camel:".length());
                if (!CATALOG_ARTIFACTS.contains(artifact)) {
                    problems.add(name + ": dependency " + dep + " is not in Camel K 2.10.1's catalog (" + artifact + ")");
                }
                if (!CAMEL_QUARKUS_EXTENSIONS.contains(artifact)) {
                    problems.add(name + ": dependency " + dep + " is not a Camel Quarkus 3.31.0 extension (" + artifact + ")");
                }
            } else if (dep.startsWith("mvn:")) {
                if (dep.substring(4).split(":").length < 3) {
                    problems.add(name + ": dependency " + dep + " has no version (mvn:group:artifact:version)");
                }
            } else {
                problems.add(name + ": dependency " + dep + " is neither camel:<extension> nor mvn:<gav>");
            }
        }
        return problems;
    }

    /**
     * What the cluster needs to keep the Integration up: liveness and readiness probes, the
     * prometheus trait, requests and limits, a PDB above one replica, one pod and Recreate on a
     * ReadWriteOnce volume.
     */
    public static List<String> operabilityProblems(final Path flowDir) throws IOException {
        final List<String> problems = new ArrayList<>();
        final JsonNode integration = integration(flowDir);
        final String name = integration.path("metadata").path("name").asText();
        final JsonNode traits = integration.path("spec").path("traits");
        final JsonNode health = traits.path("health");
        for (final String flag : List.of("enabled", "livenessProbeEnabled", "readinessProbeEnabled")) {
            if (!health.path(flag).asBoolean(false)) {
                problems.add(name + ": traits.health." + flag + " is not true");
            }
        }
        if (!traits.path("prometheus").path("enabled").asBoolean(false)) {
            problems.add(name + ": traits.prometheus.enabled is not true");
        }
        for (final String r : List.of("requestCPU", "requestMemory", "limitCPU", "limitMemory")) {
            if (traits.path("container").path(r).asText().isBlank()) {
                problems.add(name + ": traits.container." + r + " is not set");
            }
        }
        final int replicas = integration.path("spec").path("replicas").asInt(1);
        if (replicas > 1 && !traits.path("pdb").path("enabled").asBoolean(false)) {
            problems.add(name + ": " + replicas + " replicas without traits.pdb.enabled");
        }
        final Map<String, JsonNode> pvcs = defined(flowDir, "PersistentVolumeClaim");
        for (final JsonNode v : traits.path("mount").path("volumes")) {
            final JsonNode pvc = pvcs.get(v.asText().split(":", 2)[0]);
            if (pvc != null && pvc.path("spec").path("accessModes").toString().contains("ReadWriteOnce")) {
                if (replicas != 1 || !integration.path("spec").has("replicas")) {
                    problems.add(name + ": mounts the ReadWriteOnce volume " + v.asText() + " without spec.replicas: 1");
                }
                if (!"Recreate".equals(traits.path("deployment").path("strategy").asText())) {
                    problems.add(name + ": mounts the ReadWriteOnce volume " + v.asText() + " without traits.deployment.strategy: Recreate");
                }
            }
        }
        return problems;
    }

    /** The parts of one kustomization.yaml this project uses. */
    public record Kustomization(Path dir, List<String> resources, Map<String, Map<String, String>> configMaps,
            Map<String, Map<String, String>> secrets, List<String> problems) {

        /** Every file the kustomization reads (resources that are files, generator files). */
        public List<Path> files() {
            final List<Path> files = new ArrayList<>();
            resources.stream().map(dir::resolve).filter(Files::isRegularFile).forEach(files::add);
            configMaps.values().forEach(m -> m.values().forEach(f -> files.add(dir.resolve(f))));
            secrets.values().forEach(m -> m.values().forEach(f -> files.add(dir.resolve(f))));
            return files;
        }
    }

    /**
     * Reads {@code dir/kustomization.yaml}: resources, and the configMapGenerator/secretGenerator
     * entries as name -&gt; (key -&gt; file). Problems: a file that does not exist or lies outside
     * the folder (kustomize's load restrictor refuses it), an example or a Secret among the
     * resources, literals or env files (this project mounts files only).
     */
    public static Kustomization kustomization(final Path dir) throws IOException {
        final List<String> problems = new ArrayList<>();
        final Path file = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            return new Kustomization(dir, List.of(), Map.of(), Map.of(), List.of(dir + ": no kustomization.yaml"));
        }
        final JsonNode k = YAML.readTree(file.toFile());
        final List<String> resources = new ArrayList<>();
        for (final JsonNode r : k.path("resources")) {
            final String entry = r.asText();
            resources.add(entry);
            final Path target = dir.resolve(entry).normalize();
            if (Files.isDirectory(target)) {
                if (!Files.isRegularFile(target.resolve("kustomization.yaml"))) {
                    problems.add(file + ": resource " + entry + " is a folder without kustomization.yaml");
                }
            } else if (!Files.isRegularFile(target)) {
                problems.add(file + ": resource " + entry + " does not exist");
            } else {
                if (!target.startsWith(dir)) {
                    problems.add(file + ": resource " + entry + " lies outside " + dir + " (kustomize refuses it)");
                }
                if (entry.endsWith(".example.yaml")) {
                    problems.add(file + ": resource " + entry + " is an example; examples are never applied");
                }
                for (final JsonNode doc : documents(target)) {
                    if ("Secret".equals(doc.path("kind").asText())) {
                        problems.add(file + ": resource " + entry + " holds a Secret; reference it, never commit it");
                    }
                }
            }
        }
        final Map<String, Map<String, String>> configMaps = generators(dir, file, k.path("configMapGenerator"), problems);
        final Map<String, Map<String, String>> secrets = generators(dir, file, k.path("secretGenerator"), problems);
        if (!secrets.isEmpty()) {
            problems.add(file + ": a secretGenerator puts secret values in the repository; reference the Secret instead");
        }
        return new Kustomization(dir, resources, configMaps, secrets, problems);
    }

    private static Map<String, Map<String, String>> generators(final Path dir, final Path file, final JsonNode list,
            final List<String> problems) {
        final Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (final JsonNode g : list) {
            final String name = g.path("name").asText();
            final Map<String, String> keys = new LinkedHashMap<>();
            for (final JsonNode f : g.path("files")) {
                final String[] kv = f.asText().split("=", 2);
                final String path = kv.length == 2 ? kv[1] : kv[0];
                final String key = kv.length == 2 ? kv[0] : Path.of(path).getFileName().toString();
                keys.put(key, path);
                final Path target = dir.resolve(path).normalize();
                if (!target.startsWith(dir)) {
                    problems.add(file + ": " + name + " reads " + path + ", outside " + dir + " (kustomize refuses it)");
                } else if (!Files.isRegularFile(target)) {
                    problems.add(file + ": " + name + " reads " + path + ", which does not exist");
                }
            }
            if (g.has("literals") || g.has("envs")) {
                problems.add(file + ": " + name + " uses literals/envs; keep values in files (properties files are read as such)");
            }
            out.put(name, keys);
        }
        return out;
    }

    /** Objects of one kind defined by the kustomization's resource files, by name. */
    private static Map<String, JsonNode> defined(final Path flowDir, final String kind) throws IOException {
        final Map<String, JsonNode> out = new LinkedHashMap<>();
        final Kustomization k = kustomization(flowDir);
        for (final String r : k.resources()) {
            final Path f = flowDir.resolve(r);
            if (Files.isRegularFile(f)) {
                for (final JsonNode doc : documents(f)) {
                    if (kind.equals(doc.path("kind").asText())) {
                        out.put(doc.path("metadata").path("name").asText(), doc);
                    }
                }
            }
        }
        return out;
    }

    /** Objects of one kind in the folder's *.example.yaml files, by name. */
    private static Map<String, JsonNode> examples(final Path flowDir, final String kind) throws IOException {
        final Map<String, JsonNode> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(flowDir)) {
            for (final Path f : files.filter(p -> p.getFileName().toString().endsWith(".example.yaml")).sorted().toList()) {
                for (final JsonNode doc : documents(f)) {
                    if (kind.equals(doc.path("kind").asText())) {
                        out.put(doc.path("metadata").path("name").asText(), doc);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Everything the Integration names exists: its source ConfigMaps (and the key it reads), the
     * ConfigMaps and Secrets of the mount trait, its PVCs, the Multus network of its annotation.
     * ConfigMaps and PVCs come from the kustomization; Secrets and networks are site-specific and
     * are documented by an *.example.yaml beside it (never applied).
     */
    public static List<String> referenceProblems(final Path flowDir) throws IOException {
        final List<String> problems = new ArrayList<>();
        final JsonNode integration = integration(flowDir);
        final String name = integration.path("metadata").path("name").asText();
        final Kustomization k = kustomization(flowDir);
        problems.addAll(k.problems());
        if (!k.resources().contains(manifest(flowDir).getFileName().toString())) {
            problems.add(name + ": kustomization.yaml does not list " + manifest(flowDir).getFileName());
        }
        final Map<String, JsonNode> configMapResources = defined(flowDir, "ConfigMap");
        final Map<String, JsonNode> pvcs = defined(flowDir, "PersistentVolumeClaim");
        final Map<String, JsonNode> secretExamples = examples(flowDir, "Secret");
        final Map<String, JsonNode> networkExamples = examples(flowDir, "NetworkAttachmentDefinition");
        for (final JsonNode source : integration.path("spec").path("sources")) {
            final String ref = source.path("contentRef").asText();
            if (ref.isBlank()) {
                problems.add(name + ": source " + source.path("name").asText() + " is embedded; take it from a generated ConfigMap (contentRef)");
                continue;
            }
            final Map<String, String> keys = k.configMaps().get(ref);
            if (keys == null) {
                problems.add(name + ": source ConfigMap " + ref + " is not generated by kustomization.yaml");
            } else if (!keys.containsKey(source.path("contentKey").asText())) {
                problems.add(name + ": source ConfigMap " + ref + " has no key " + source.path("contentKey").asText());
            }
        }
        final JsonNode mount = integration.path("spec").path("traits").path("mount");
        for (final String field : List.of("configs", "resources")) {
            for (final JsonNode c : mount.path(field)) {
                final String[] typeAndName = c.asText().split(":", 2);
                final String ref = typeAndName.length == 2 ? typeAndName[1].split("[/@]", 2)[0] : "";
                if ("configmap".equals(typeAndName[0])) {
                    if (!k.configMaps().containsKey(ref) && !configMapResources.containsKey(ref)) {
                        problems.add(name + ": mount." + field + " names ConfigMap " + ref + ", which kustomization.yaml does not define");
                    }
                } else if ("secret".equals(typeAndName[0])) {
                    if (!secretExamples.containsKey(ref)) {
                        problems.add(name + ": mount." + field + " names Secret " + ref + " with no example (*.example.yaml) beside it");
                    }
                } else {
                    problems.add(name + ": mount." + field + " entry " + c.asText() + " is neither configmap: nor secret:");
                }
            }
        }
        for (final JsonNode v : mount.path("volumes")) {
            final String pvc = v.asText().split(":", 2)[0];
            if (!pvcs.containsKey(pvc)) {
                problems.add(name + ": mount.volumes names PVC " + pvc + ", which kustomization.yaml does not define");
            }
        }
        final String networks = integration.path("metadata").path("annotations").path(MULTUS_NETWORKS).asText();
        for (final String n : networks.isBlank() ? new String[0] : networks.split(",")) {
            if (!networkExamples.containsKey(n.strip().split("@", 2)[0])) {
                problems.add(name + ": annotation " + MULTUS_NETWORKS + " names " + n.strip() + " with no example NetworkAttachmentDefinition beside it");
            }
        }
        return problems;
    }

    /** localhost/127.0.0.1/::1 anywhere in the Integration or in a file its kustomization applies or mounts. */
    public static List<String> localAddressProblems(final Path flowDir) throws IOException {
        final List<String> problems = new ArrayList<>();
        final Set<Path> files = new LinkedHashSet<>();
        files.add(manifest(flowDir));
        files.addAll(kustomization(flowDir).files());
        for (final Path f : files) {
            if (!Files.isRegularFile(f)) {
                continue;
            }
            final List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                if (LOCAL_ADDRESS.matcher(lines.get(i)).find()) {
                    problems.add(f + ":" + (i + 1) + ": a local address on a cluster: " + lines.get(i).strip());
                }
            }
        }
        return problems;
    }

    /** Each source of the Integration has its copy beside it, and every *.camel.yaml there is routes/&lt;name&gt;/&lt;name&gt;.camel.yaml byte for byte. */
    public static List<String> copyProblems(final Path flowDir, final Path routes) throws IOException {
        final List<String> problems = new ArrayList<>();
        if (Files.isRegularFile(manifest(flowDir))) {
            for (final JsonNode source : integration(flowDir).path("spec").path("sources")) {
                if (!Files.isRegularFile(flowDir.resolve(source.path("name").asText()))) {
                    problems.add(flowDir + ": no copy of the source " + source.path("name").asText() + " beside the Integration");
                }
            }
        }
        try (Stream<Path> files = Files.list(flowDir)) {
            for (final Path copy : files.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList()) {
                final String file = copy.getFileName().toString();
                final Path original = routes.resolve(file.substring(0, file.length() - ".camel.yaml".length())).resolve(file);
                if (!Files.isRegularFile(original)) {
                    problems.add(copy + ": no " + original + " to be a copy of");
                } else if (!Files.readString(copy).equals(Files.readString(original))) {
                    problems.add(copy + " differs from " + original + "; copy it again: cp " + ProjectDir.get().relativize(original)
                            + " " + ProjectDir.get().relativize(copy));
                }
            }
        }
        return problems;
    }

    /** The Camel properties the Integration mounts from its ConfigMaps (mount.configs, files *.properties). */
    public static Properties mountedProperties(final Path flowDir) throws IOException {
        final Properties props = new Properties();
        final Kustomization k = kustomization(flowDir);
        for (final String ref : mounted(flowDir, "configmap")) {
            for (final Map.Entry<String, String> e : k.configMaps().getOrDefault(ref, Map.of()).entrySet()) {
                if (e.getKey().endsWith(".properties") && Files.isRegularFile(flowDir.resolve(e.getValue()))) {
                    try (var in = Files.newBufferedReader(flowDir.resolve(e.getValue()), StandardCharsets.UTF_8)) {
                        props.load(in);
                    }
                }
            }
        }
        return props;
    }

    /** The Camel properties the Integration mounts from its Secrets (mount.configs): the keys of their examples. */
    public static Set<String> secretKeys(final Path flowDir) throws IOException {
        final Set<String> keys = new TreeSet<>();
        final Map<String, JsonNode> examples = examples(flowDir, "Secret");
        for (final String ref : mounted(flowDir, "secret")) {
            final JsonNode secret = examples.get(ref);
            if (secret != null) {
                secret.path("stringData").fieldNames().forEachRemaining(keys::add);
                secret.path("data").fieldNames().forEachRemaining(keys::add);
            }
        }
        return keys;
    }

    /** Names of the ConfigMaps or Secrets in traits.mount.configs. */
    private static List<String> mounted(final Path flowDir, final String type) throws IOException {
        final List<String> names = new ArrayList<>();
        for (final JsonNode c : integration(flowDir).path("spec").path("traits").path("mount").path("configs")) {
            final String[] typeAndName = c.asText().split(":", 2);
            if (type.equals(typeAndName[0]) && typeAndName.length == 2) {
                names.add(typeAndName[1].split("[/@]", 2)[0]);
            }
        }
        return names;
    }

    /**
     * The cluster properties are complete and consistent: every key of routes/&lt;src&gt;/application.properties
     * of each flow the Integration carries is set (by the properties or by a Secret); no key is set by
     * both; a flow-prefixed key the flows do not know is a typo; where the Integration carries another
     * flow that has its own folder, the values agree with that folder's properties.
     */
    public static List<String> propertyProblems(final Path flowDir, final Path routes) throws IOException {
        final List<String> problems = new ArrayList<>();
        final String name = integration(flowDir).path("metadata").path("name").asText();
        final Properties cluster = mountedProperties(flowDir);
        final Set<String> secrets = secretKeys(flowDir);
        final Set<String> all = new TreeSet<>(cluster.stringPropertyNames());
        all.addAll(secrets);
        for (final String key : new TreeSet<>(cluster.stringPropertyNames())) {
            if (secrets.contains(key)) {
                problems.add(name + ": " + key + " is set by both the properties and a Secret (which one wins depends on mount order)");
            }
        }
        final Set<String> known = new TreeSet<>();
        final List<String> flows = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(routes)) {
            for (final Path d : dirs.filter(Files::isDirectory).sorted().toList()) {
                flows.add(d.getFileName().toString());
                load(d.resolve("application.properties")).ifPresent(p -> known.addAll(p.stringPropertyNames()));
                // a key a flow's YAML reads with a default ({{key:default}}) is a property too, set only where needed
                final Path yaml = d.resolve(d.getFileName() + ".camel.yaml");
                if (Files.isRegularFile(yaml)) {
                    final java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{\\{([a-z0-9.-]+):").matcher(Files.readString(yaml));
                    while (m.find()) {
                        known.add(m.group(1));
                    }
                }
            }
        }
        for (final JsonNode source : integration(flowDir).path("spec").path("sources")) {
            final String file = source.path("name").asText();
            final String flow = file.endsWith(".camel.yaml") ? file.substring(0, file.length() - ".camel.yaml".length()) : file;
            final Optional<Properties> local = load(routes.resolve(flow).resolve("application.properties"));
            if (local.isEmpty()) {
                continue;
            }
            for (final String key : new TreeSet<>(local.get().stringPropertyNames())) {
                if (!NOT_FOR_THE_CLUSTER.matcher(key).matches() && !all.contains(key)) {
                    problems.add(name + ": " + key + " of routes/" + flow + "/application.properties is set neither by the cluster properties nor by a Secret");
                }
            }
            final Path sibling = flowDir.resolveSibling(flow);
            if (!flow.equals(flowDir.getFileName().toString()) && Files.isRegularFile(manifest(sibling))) {
                final Properties theirs = mountedProperties(sibling);
                for (final String key : new TreeSet<>(theirs.stringPropertyNames())) {
                    if (cluster.containsKey(key) && !cluster.getProperty(key).equals(theirs.getProperty(key))) {
                        problems.add(name + ": " + key + "=" + cluster.getProperty(key) + " but camel-k/" + flow + " sets " + theirs.getProperty(key));
                    } else if (!all.contains(key)) {
                        problems.add(name + ": " + key + " of camel-k/" + flow + " is missing here");
                    }
                }
            }
        }
        for (final String key : all) {
            final boolean flowPrefixed = flows.stream().anyMatch(f -> key.startsWith(f + "."));
            if (flowPrefixed && !known.contains(key)) {
                problems.add(name + ": " + key + " is no property of any routes/*/application.properties (a typo?)");
            }
        }
        return problems;
    }

    private static Optional<Properties> load(final Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        final Properties p = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return Optional.of(p);
    }

    /**
     * One name everywhere: the folder, its &lt;flow&gt;.yaml, the Integration's metadata.name and
     * caravan.io/flow label, and the names of what the kustomization makes (&lt;flow&gt;-...).
     */
    public static List<String> nameProblems(final Path flowDir) throws IOException {
        final List<String> problems = new ArrayList<>();
        final String flow = flowDir.getFileName().toString();
        if (!Files.isRegularFile(manifest(flowDir))) {
            return List.of(flowDir + ": no " + flow + ".yaml");
        }
        final JsonNode integration = integration(flowDir);
        if (!flow.equals(integration.path("metadata").path("name").asText())) {
            problems.add(manifest(flowDir) + ": metadata.name is " + integration.path("metadata").path("name").asText() + ", not " + flow);
        }
        if (!flow.equals(integration.path("metadata").path("labels").path("caravan.io/flow").asText())) {
            problems.add(manifest(flowDir) + ": label caravan.io/flow is not " + flow);
        }
        final Kustomization k = kustomization(flowDir);
        final List<String> names = new ArrayList<>(k.configMaps().keySet());
        for (final String r : k.resources()) {
            final Path f = flowDir.resolve(r);
            if (Files.isRegularFile(f) && !f.equals(manifest(flowDir))) {
                for (final JsonNode doc : documents(f)) {
                    names.add(doc.path("metadata").path("name").asText());
                }
            }
        }
        for (final String n : names) {
            if (!n.startsWith(flow + "-")) {
                problems.add(flowDir + "/kustomization.yaml: " + n + " is not named " + flow + "-...");
            }
        }
        return problems;
    }

    /**
     * What Camel K 2.10.1's YAML inspector (pkg/util/source/inspector_yaml.go, inspector.go) does with
     * the Integration's sources before any build: it collects the URIs of from/to/toD/wireTap steps and
     * fails the Integration ("component not found for uri ... in camel catalog") for any scheme its
     * catalog does not know, unless the scheme is a property placeholder. Returns one line per such URI.
     */
    public static List<String> inspectionProblems(final Path flowDir) throws IOException {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode source : integration(flowDir).path("spec").path("sources")) {
            final Path copy = flowDir.resolve(source.path("name").asText());
            if (!Files.isRegularFile(copy)) {
                continue;
            }
            final List<String> uris = new ArrayList<>();
            collectUris(null, YAML.readTree(copy.toFile()), uris);
            for (final String uri : uris) {
                String scheme = uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri;
                scheme = scheme.contains("?") ? scheme.substring(0, scheme.indexOf('?')) : scheme;
                if (!(scheme.startsWith("{{") && scheme.contains("}}")) && !CATALOG_SCHEMES.contains(scheme)) {
                    problems.add(copy.getFileName() + ": the operator knows no component '" + scheme + "' (" + uri + ")");
                }
            }
        }
        return problems;
    }

    private static void collectUris(final String key, final JsonNode node, final List<String> uris) {
        if (node.isTextual() && key != null && ENDPOINT_KEYS.contains(key)) {
            uris.add(node.asText());
        } else if (node.isObject()) {
            if (key != null && ENDPOINT_KEYS.contains(key) && node.path("uri").isTextual()) {
                uris.add(node.path("uri").asText());
            }
            node.fields().forEachRemaining(e -> collectUris(e.getKey(), e.getValue(), uris));
        } else if (node.isArray()) {
            node.forEach(el -> collectUris(key, el, uris));
        }
    }

    /** Whether kubectl (with its built-in kustomize) is on the PATH. */
    public static boolean kubectlAvailable() {
        try {
            final Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The output of {@code kubectl kustomize dir} (what {@code kubectl apply -k dir} would apply). */
    public static String kustomize(final Path dir) throws IOException, InterruptedException {
        final Path err = Files.createTempFile("kustomize", ".err");
        try {
            final Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectError(err.toFile()).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("kubectl kustomize " + dir + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IOException("kubectl kustomize " + dir + " failed: " + Files.readString(err).strip());
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Problems of a kustomize build's output: each object valid, no Secret, no local address. */
    public static List<String> builtProblems(final Path dir, final String built) throws IOException {
        final List<String> problems = new ArrayList<>();
        for (final JsonNode doc : YAML.readValues(new YAMLFactory().createParser(new StringReader(built)), JsonNode.class).readAll()) {
            if (doc == null || doc.isEmpty()) {
                continue;
            }
            problems.addAll(schemaProblems("kubectl kustomize " + dir, doc));
        }
        final String[] lines = built.split("\n");
        for (final String line : lines) {
            if (LOCAL_ADDRESS.matcher(line).find()) {
                problems.add("kubectl kustomize " + dir + ": a local address on a cluster: " + line.strip());
            }
        }
        return problems;
    }

    private static JsonSchema schema(final String crdFile) {
        try (InputStream in = CamelKManifests.class.getResourceAsStream("/camel-k-crds/" + crdFile)) {
            final JsonNode crd = YAML.readTree(in);
            for (final JsonNode version : crd.path("spec").path("versions")) {
                if ("v1".equals(version.path("name").asText())) {
                    final JsonNode openApi = version.path("schema").path("openAPIV3Schema").deepCopy();
                    strict(openApi);
                    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi);
                }
            }
            throw new IllegalStateException("no v1 schema in " + crdFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The artifacts and loaders of Camel K 2.10.1's camel-catalog-3.15.3 (what ValidateDependencyE accepts). */
    private static Set<String> catalogArtifacts() {
        try (InputStream in = CamelKManifests.class.getResourceAsStream("/camel-k-crds/camel-catalog-3.15.3.yaml")) {
            final JsonNode spec = YAML.readTree(in).path("spec");
            final Set<String> out = new TreeSet<>();
            spec.path("artifacts").fieldNames().forEachRemaining(out::add);
            spec.path("loaders").forEach(l -> out.add(l.path("artifactId").asText()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The component schemes of that catalog (what its YAML inspector resolves endpoint URIs against). */
    private static Set<String> catalogSchemes() {
        try (InputStream in = CamelKManifests.class.getResourceAsStream("/camel-k-crds/camel-catalog-3.15.3.yaml")) {
            final Set<String> out = new TreeSet<>();
            YAML.readTree(in).path("spec").path("artifacts").forEach(a -> a.path("schemes").forEach(sc -> out.add(sc.path("id").asText())));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<String> camelQuarkusExtensions() {
        try (InputStream in = CamelKManifests.class.getResourceAsStream("/camel-k-crds/camel-quarkus-3.31.0-extensions.txt")) {
            final Set<String> out = new TreeSet<>();
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** additionalProperties=false on every object schema that lists properties and keeps no unknown fields. */
    private static void strict(final JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                object.put("additionalProperties", false);
            }
            for (final Iterator<JsonNode> children = object.elements(); children.hasNext();) {
                strict(children.next());
            }
        } else if (node != null && node.isArray()) {
            node.forEach(CamelKManifests::strict);
        }
    }

    static ObjectMapper yaml() {
        return YAML;
    }
}
