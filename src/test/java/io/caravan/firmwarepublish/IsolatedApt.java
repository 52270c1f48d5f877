package io.caravan.firmwarepublish;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real apt-get that sees only one repository: its own sources.list ({@code [signed-by=<key>]}),
 * lists, cache and an empty dpkg status, so it neither reads nor changes the machine's apt state.
 * Signature checking stays on (no trusted=yes, no allow-insecure).
 */
final class IsolatedApt {

    /** Exit code and combined output of one apt-get run. */
    record Result(int exit, String output) {
    }

    private final Path dir;

    IsolatedApt(final Path dir, final String baseUrl, final String suite, final Path publicKey) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("lists/partial"));
        Files.createDirectories(dir.resolve("cache/archives/partial"));
        Files.createDirectories(dir.resolve("download"));
        Files.createDirectories(dir.resolve("etc/trusted.gpg.d"));
        Files.createDirectories(dir.resolve("etc/preferences.d"));
        Files.createDirectories(dir.resolve("etc/apt.conf.d"));
        Files.writeString(dir.resolve("status"), "");
        Files.copy(publicKey, dir.resolve("key.gpg"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("sources.list"), sourcesLine(baseUrl, suite, dir.resolve("key.gpg")) + "\n");
    }

    /** The device-side sources.list line. */
    static String sourcesLine(final String baseUrl, final String suite, final Path key) {
        return "deb [signed-by=" + key + "] " + baseUrl + " " + suite + " main";
    }

    Result run(final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>(List.of("apt-get", "-q",
                "-o", "Dir::Etc::sourcelist=" + dir.resolve("sources.list"),
                "-o", "Dir::Etc::sourceparts=-",
                "-o", "Dir::Etc::trusted=" + dir.resolve("etc/trusted.gpg"),
                "-o", "Dir::Etc::trustedparts=" + dir.resolve("etc/trusted.gpg.d"),
                "-o", "Dir::Etc::preferencesparts=" + dir.resolve("etc/preferences.d"),
                "-o", "Dir::State::Lists=" + dir.resolve("lists"),
                "-o", "Dir::State::status=" + dir.resolve("status"),
                "-o", "Dir::Cache=" + dir.resolve("cache"),
                "-o", "APT::Sandbox::User=root",
                "-o", "Debug::NoLocking=1",
                "-o", "Acquire::Languages=none",
                "-o", "Acquire::Retries=0",
                "-o", "Acquire::http::Timeout=10",
                "-o", "APT::Architecture=amd64",
                "-o", "APT::Architectures::=amd64"));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd).directory(dir.resolve("download").toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("apt-get timed out: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    Path downloads() {
        return dir.resolve("download");
    }
}
