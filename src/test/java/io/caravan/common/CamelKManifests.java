package io.caravan.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 * Validates Kubernetes manifests against the Camel K CRDs (Integration, Pipe): each CRD's
 * openAPIV3Schema used as a JSON schema, made strict like {@code kubectl apply --validate=strict}
 * (an unknown field is an error wherever the CRD does not preserve unknown fields).
 */
public final class CamelKManifests {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, JsonSchema> SCHEMAS = Map.of(
            "Integration", schema("camel.apache.org_integrations.yaml"),
            "Pipe", schema("camel.apache.org_pipes.yaml"));

    private CamelKManifests() {
    }

    /** Every manifest file under camel-k/. */
    public static List<Path> all() {
        try (Stream<Path> files = Files.walk(ProjectDir.resolve("camel-k"))) {
            return files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The problems found in one file (all its YAML documents); empty when valid. */
    public static List<String> problems(final Path file) throws IOException {
        final List<String> problems = new ArrayList<>();
        final List<JsonNode> documents;
        try {
            documents = YAML.readValues(new YAMLFactory().createParser(file.toFile()), JsonNode.class).readAll();
        } catch (IOException e) {
            return List.of(file + ": not YAML: " + e.getMessage());
        }
        for (final JsonNode doc : documents) {
            if (doc == null || doc.isNull() || doc.isEmpty()) {
                continue;
            }
            final String kind = doc.path("kind").asText();
            final String name = doc.path("metadata").path("name").asText();
            if (name.isBlank()) {
                problems.add(file + ": " + kind + " without metadata.name");
            }
            if ("Secret".equals(kind)) {
                problems.add(file + ": a Secret is committed; reference it, never commit it");
                continue;
            }
            final JsonSchema schema = SCHEMAS.get(kind);
            if (schema == null) {
                if (!"v1".equals(doc.path("apiVersion").asText()) || !"ConfigMap".equals(kind)) {
                    problems.add(file + ": unexpected " + doc.path("apiVersion").asText() + "/" + kind);
                }
                continue;
            }
            if (!"camel.apache.org/v1".equals(doc.path("apiVersion").asText())) {
                problems.add(file + ": " + kind + " apiVersion must be camel.apache.org/v1");
            }
            for (final ValidationMessage message : schema.validate(doc)) {
                problems.add(file + ": " + kind + " " + name + ": " + message.getMessage());
            }
        }
        if (documents.stream().noneMatch(d -> d != null && SCHEMAS.containsKey(d.path("kind").asText()))) {
            problems.add(file + ": holds no Integration or Pipe");
        }
        return problems;
    }

    private static JsonSchema schema(final String crdFile) {
        try (var in = CamelKManifests.class.getResourceAsStream("/camel-k-crds/" + crdFile)) {
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
