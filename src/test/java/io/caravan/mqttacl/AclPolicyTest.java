package io.caravan.mqttacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Table-driven ACL decisions with the default templates (acl-cases.txt) plus generated families. */
class AclPolicyTest {

    private static final AclPolicy POLICY = new AclPolicy(AclTemplates.DEFAULTS);
    private static final Map<String, Set<String>> OWNED = Map.of("alice", Set.of("d1", "d2"), "bob", Set.of("d3"),
            "carol", Set.of());

    record Case(String line, Identity who, String clientId, Access access, String topic, boolean expected) {
    }

    static List<Case> table() throws IOException {
        final List<Case> cases = new ArrayList<>();
        try (InputStream in = AclPolicyTest.class.getResourceAsStream("/mqtt-acl/acl-cases.txt")) {
            for (final String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                final String[] c = line.split("\\|", -1);
                assertThat(c).as(line).hasSize(5);
                final String expected = c[4].trim();
                assertThat(expected).as(line).isIn("allow", "deny");
                cases.add(new Case(line, identity(c[0].trim()), c[1].trim(), Access.of(Integer.parseInt(c[2].trim())),
                        c[3].trim(), expected.equals("allow")));
            }
        }
        return cases;
    }

    static Identity identity(final String spec) {
        final String[] p = spec.split(":", -1);
        return switch (p[0]) {
            case "device" -> Identity.device(p[1]);
            case "user" -> Identity.user(p[1], p[2]);
            case "service" -> Identity.service(p[1]);
            case "superuser" -> Identity.superuser(p[1]);
            default -> throw new IllegalArgumentException("unknown identity kind in " + spec);
        };
    }

    private static boolean decide(final Identity who, final String clientId, final Access access, final String topic) {
        final Set<String> owned = who.kind() == Identity.Kind.USER ? OWNED.getOrDefault(who.subject(), Set.of()) : Set.of();
        return POLICY.allowed(who, clientId, topic, access, owned);
    }

    @TestFactory
    Stream<DynamicTest> tableOfDecisions() throws IOException {
        final List<Case> cases = table();
        assertThat(cases).hasSizeGreaterThan(120);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.line(),
                () -> assertThat(decide(c.who(), c.clientId(), c.access(), c.topic())).as(c.line()).isEqualTo(c.expected())));
    }

    /** 30 devices, alice owns d1..d5: she reads state/events and writes commands of hers only. */
    @TestFactory
    Stream<DynamicTest> ownershipFamily() {
        final Set<String> owned = Set.of("d1", "d2", "d3", "d4", "d5");
        final Identity alice = Identity.user("mqtt_tok", "alice");
        final List<DynamicTest> tests = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            final String d = "d" + i;
            final boolean mine = owned.contains(d);
            final Map<String, Set<Access>> allowedWhenMine = Map.of(
                    "devices/" + d + "/state", Set.of(Access.READ, Access.SUBSCRIBE),
                    "devices/" + d + "/events/boot", Set.of(Access.READ, Access.SUBSCRIBE),
                    "devices/" + d + "/events/#", Set.of(Access.SUBSCRIBE),
                    "devices/" + d + "/commands/reboot", Set.of(Access.WRITE),
                    "devices/" + d + "/firmware", Set.of());
            allowedWhenMine.forEach((topic, accesses) -> {
                for (final Access a : Access.values()) {
                    final boolean expected = mine && accesses.contains(a);
                    tests.add(DynamicTest.dynamicTest(d + " " + a + " " + topic + " → " + (expected ? "allow" : "deny"),
                            () -> assertThat(POLICY.allowed(alice, "web", topic, a, owned)).isEqualTo(expected)));
                }
            });
        }
        return tests.stream();
    }

    /** No device reaches another device's topics, whatever the access. */
    @TestFactory
    Stream<DynamicTest> devicesAreIsolated() {
        final List<DynamicTest> tests = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            for (int j = 1; j <= 8; j++) {
                if (i == j) {
                    continue;
                }
                final Identity me = Identity.device("d" + i);
                final String other = "d" + j;
                for (final String topic : List.of("devices/" + other + "/state", "devices/" + other + "/commands/x",
                        "devices/" + other + "/firmware")) {
                    for (final Access a : Access.values()) {
                        tests.add(DynamicTest.dynamicTest(me.username() + " " + a + " " + topic,
                                () -> assertThat(POLICY.allowed(me, me.username(), topic, a, Set.of())).isFalse()));
                    }
                }
            }
        }
        return tests.stream();
    }

    @Test
    void forbiddenCharactersInUsernamesAreRefusedBeforeSubstitution() {
        for (final String bad : List.of("+", "#", "/", "d1/x", "a+b", "a#", "\0", "d1\0", "\n", "")) {
            final Identity who = new Identity(Identity.Kind.DEVICE, bad, bad);
            for (final Access a : Access.values()) {
                assertThat(POLICY.allowed(who, "c", "devices/" + bad + "/state", a, Set.of())).as("username %s", bad).isFalse();
            }
        }
    }

    @Test
    void clientIdTemplateGrantsOnlyTheClientsOwnTreeAndNeverWithoutAClientId() {
        final AclPolicy policy = new AclPolicy(new AclTemplates(List.of("clients/%c/#"), List.of("clients/%c/#"),
                List.of(), List.of(), List.of(), List.of()));
        final Identity d = Identity.device("d1");
        assertThat(policy.allowed(d, "c1", "clients/c1/x", Access.WRITE, Set.of())).isTrue();
        assertThat(policy.allowed(d, "c1", "clients/c2/x", Access.WRITE, Set.of())).isFalse();
        assertThat(policy.allowed(d, "", "clients//x", Access.WRITE, Set.of())).isFalse();
        assertThat(policy.allowed(d, MqttNames.LEGACY_NO_CLIENT_ID, "clients/client id not available/x", Access.WRITE, Set.of())).isFalse();
        assertThat(policy.allowed(d, "c+", "clients/c+/x", Access.SUBSCRIBE, Set.of())).isFalse();
        assertThat(policy.allowed(d, "c/1", "clients/c/1/x", Access.WRITE, Set.of())).isFalse();
    }

    @Test
    void deviceTemplatesInsideALevelExpandPerOwnedDevice() {
        final AclPolicy policy = new AclPolicy(new AclTemplates(List.of(), List.of(), List.of(), List.of("dev-%d/state"),
                List.of(), List.of()));
        final Identity u = Identity.user("mqtt_x", "u");
        assertThat(policy.allowed(u, "c", "dev-d1/state", Access.SUBSCRIBE, Set.of("d1"))).isTrue();
        assertThat(policy.allowed(u, "c", "dev-d2/state", Access.SUBSCRIBE, Set.of("d1"))).isFalse();
        assertThat(policy.allowed(u, "c", "+/state", Access.SUBSCRIBE, Set.of("d1"))).isFalse();
    }
}
