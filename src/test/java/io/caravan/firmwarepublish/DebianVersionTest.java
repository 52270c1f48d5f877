package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Debian version ordering: known cases from deb-version(7) and dpkg's own tests, then dpkg itself on generated pairs. */
class DebianVersionTest {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = ' ', value = {
        "1.0 < 1.1", "1.0 = 1.0", "1.0 = 1.00", "1.0 = 0:1.0", "1.0 = 1.0-0", "1:0.1 > 9.9", "1.0~rc1 < 1.0",
        "1.0~~ < 1.0~", "1.0~ < 1.0", "1.0 < 1.0a", "1.0a < 1.0+", "1.0+ < 1.0.", "1.0-1 < 1.0-2", "1.0-10 > 1.0-9",
        "1.0-1~bpo1 < 1.0-1", "2.0 < 10~", "1.2.3 < 1.10", "1.0a < 1.0b", "1.0-a < 1.0-b", "1.0-1 > 1.0",
        "0:1-1 = 1-1", "1.0~beta < 1.0~rc", "9 < 10", "010 = 10", "1.0-0ubuntu1 > 1.0-0", "1.0-a+ > 1.0-a",
        "1.0+dfsg-1 > 1.0-1", "2:1 > 1:9", "1-2-3 > 1-2", "1.0 < 1.0-0.1"})
    void ordersLikeDpkg(final String a, final String op, final String b) {
        final int cmp = DebianVersion.parse(a).compareTo(DebianVersion.parse(b));
        switch (op) {
            case "<" -> assertThat(cmp).isNegative();
            case ">" -> assertThat(cmp).isPositive();
            default -> assertThat(cmp).isZero();
        }
        assertThat(Integer.signum(DebianVersion.parse(b).compareTo(DebianVersion.parse(a)))).isEqualTo(-Integer.signum(cmp));
    }

    @Test
    void splitsEpochUpstreamRevision() {
        final DebianVersion v = DebianVersion.parse("3:1.2-3-4.5");
        assertThat(v.epoch()).isEqualTo(3);
        assertThat(v.upstream()).isEqualTo("1.2-3");
        assertThat(v.revision()).isEqualTo("4.5");
        assertThat(v).hasToString("3:1.2-3-4.5");
        assertThat(DebianVersion.parse("1.0")).isEqualTo(DebianVersion.parse("1.00")).hasSameHashCodeAs(DebianVersion.parse("1.00"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " 1.0", "1.0 ", "1 0", "a1.0", "~1", ":1.0", "a:1.0", "1:", "1:a", "1.0-", "-1", "1.0_1",
        "1.0-1_2", "1:2:3", "1.0-a:b", "1.0/2", "1.0!", "1234567890:1", "1.0-1-", "é1"})
    void rejectsBadSyntax(final String bad) {
        assertThatThrownBy(() -> DebianVersion.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version");
    }

    /** 2,000 generated pairs, each checked with a real `dpkg --compare-versions` (lt, eq or gt chosen at random). */
    @Test
    void agreesWithDpkgCompareVersionsOnGeneratedPairs() throws Exception {
        final Random random = new Random(20261126L);
        final List<String[]> cases = new ArrayList<>();
        while (cases.size() < 2000) {
            final String a = randomVersion(random);
            final String b = random.nextInt(3) == 0 ? mutate(a, random) : randomVersion(random);
            final String op = List.of("lt", "eq", "gt").get(random.nextInt(3));
            cases.add(new String[] {a, op, b});
        }
        final Path dir = Files.createDirectories(ProjectDir.resolve("target/firmware-publish"));
        final List<Process> workers = new ArrayList<>();
        final List<Path> outputs = new ArrayList<>();
        final int chunks = 2;
        for (int c = 0; c < chunks; c++) {
            final StringBuilder input = new StringBuilder();
            for (int i = c; i < cases.size(); i += chunks) {
                input.append(i).append(' ').append(String.join(" ", cases.get(i))).append('\n');
            }
            final Path in = dir.resolve("versions-" + c + ".txt");
            final Path out = dir.resolve("versions-" + c + ".out");
            Files.writeString(in, input.toString(), StandardCharsets.UTF_8);
            outputs.add(out);
            workers.add(new ProcessBuilder("bash", "-c",
                    "while read -r i a op b; do if dpkg --compare-versions \"$a\" \"$op\" \"$b\"; then echo \"$i 1\"; else echo \"$i 0\"; fi; done")
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        for (final Process p : workers) {
            assertThat(p.waitFor(170, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        }
        int checked = 0;
        final List<String> disagreements = new ArrayList<>();
        for (final Path out : outputs) {
            for (final String line : Files.readAllLines(out)) {
                final String[] parts = line.split(" ");
                final String[] c = cases.get(Integer.parseInt(parts[0]));
                final boolean dpkg = parts[1].equals("1");
                final int cmp = DebianVersion.parse(c[0]).compareTo(DebianVersion.parse(c[2]));
                final boolean java = switch (c[1]) {
                    case "lt" -> cmp < 0;
                    case "gt" -> cmp > 0;
                    default -> cmp == 0;
                };
                if (java != dpkg) {
                    disagreements.add(String.join(" ", c) + ": dpkg " + dpkg + ", Java " + java);
                }
                checked++;
            }
        }
        assertThat(disagreements).isEmpty();
        assertThat(checked).isEqualTo(cases.size());
    }

    private static final String[] ALPHA = {"", "a", "b", "z", "A", "+", ".", "~", "~~", "~a", "+b", ".a", "a~", "rc", "~rc"};
    private static final String[] DIGITS = {"0", "1", "2", "9", "10", "01", "00", "100", "2147483648", "99999999999999999999"};

    private static String fragment(final Random r, final boolean upstream) {
        final StringBuilder sb = new StringBuilder(DIGITS[r.nextInt(DIGITS.length)]);
        final int parts = r.nextInt(4);
        for (int i = 0; i < parts; i++) {
            String a = ALPHA[r.nextInt(ALPHA.length)];
            if (!upstream) {
                a = a.replace("-", "");
            }
            sb.append(a);
            if (r.nextBoolean()) {
                sb.append(DIGITS[r.nextInt(DIGITS.length)]);
            }
        }
        return sb.toString();
    }

    private static String randomVersion(final Random r) {
        final StringBuilder sb = new StringBuilder();
        if (r.nextInt(5) == 0) {
            sb.append(r.nextInt(3)).append(':');
        }
        sb.append(fragment(r, true));
        if (r.nextBoolean()) {
            sb.append('-').append(r.nextBoolean() ? fragment(r, false) : ALPHA[1 + r.nextInt(4)] + r.nextInt(3));
        }
        return sb.toString();
    }

    /** A version close to {@code v}: one character appended, removed or replaced (kept valid). */
    private static String mutate(final String v, final Random r) {
        final String[] tails = {"~", "0", "1", "a", "+", ".0", "~1", "-1", "-0"};
        for (int attempt = 0; attempt < 10; attempt++) {
            final String candidate = switch (r.nextInt(3)) {
                case 0 -> v + tails[r.nextInt(tails.length)];
                case 1 -> v.length() > 1 ? v.substring(0, v.length() - 1) : v;
                default -> v.replaceFirst("[0-9]", String.valueOf(r.nextInt(10)));
            };
            try {
                DebianVersion.parse(candidate);
                return candidate;
            } catch (IllegalArgumentException e) {
                // try another mutation
            }
        }
        return v;
    }

    static String readAll(final Path p) throws IOException {
        return Files.readString(p);
    }
}
