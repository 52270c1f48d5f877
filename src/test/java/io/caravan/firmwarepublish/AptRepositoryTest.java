package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Java-generated repository against a real, isolated apt-get with signature checking on. */
class AptRepositoryTest {

    private static final Set<String> ARCHS = Set.of("amd64", "arm64", "all");
    private static final DebPackageInspector INSPECTOR = new DebPackageInspector(ARCHS, "zstd");

    private Path work;
    private AptRepository repo;
    private RepoHttpServer http;

    @BeforeEach
    void openRepository() throws IOException {
        work = Files.createDirectories(ProjectDir.resolve("target/fp/" + UUID.randomUUID().toString().substring(0, 8)));
        repo = open(work);
        http = new RepoHttpServer(repo.root());
    }

    @AfterEach
    void close() {
        http.close();
        repo.close();
    }

    static AptRepository open(final Path work) throws IOException {
        final GpgSigner signer = new GpgSigner(work.resolve("gnupg"), "gpg", "", "Caravan test <t@caravan.invalid>");
        signer.ensureKey(null);
        return AptRepository.open(work.resolve("repo"), "stable", ARCHS, signer, "caravan-firmware", 5, Clock.systemUTC());
    }

    private IsolatedApt apt(final String name) throws IOException {
        return new IsolatedApt(work.resolve(name), http.url(), "stable", repo.currentSnapshot().resolve("caravan-firmware.gpg"));
    }

    private PublishResult publish(final String name, final String version, final String arch) throws IOException {
        return repo.publish(INSPECTOR.inspect(Debs.build(work.resolve("debs"), name, version, arch, "xz", 4000)));
    }

    @Test
    void aptUpdatesDownloadsAndInstallsBeforeAndAfterAnUpgrade() throws Exception {
        final PublishResult first = publish("fw-core", "1.0.0-1", "amd64");
        publish("fw-data", "2024.1", "all");
        publish("fw-arm", "1.0", "arm64");
        assertThat(first.published()).isTrue();
        final IsolatedApt apt = apt("apt");

        IsolatedApt.Result update = apt.run("update");
        assertThat(update.exit()).as(update.output()).isZero();
        assertThat(update.output()).doesNotContain("NO_PUBKEY", "not signed", "W:", "E:");
        IsolatedApt.Result download = apt.run("download", "fw-core", "fw-data");
        assertThat(download.exit()).as(download.output()).isZero();
        final Path deb = apt.downloads().resolve("fw-core_1.0.0-1_amd64.deb");
        assertThat(DebPackageInspector.digests(deb)[0]).isEqualTo(first.sha256());
        assertThat(apt.downloads().resolve("fw-data_2024.1_all.deb")).exists();
        IsolatedApt.Result simulate = apt.run("install", "--simulate", "fw-core", "fw-data");
        assertThat(simulate.exit()).as(simulate.output()).isZero();
        assertThat(simulate.output()).contains("Inst fw-core (1.0.0-1 ", "Inst fw-data (2024.1 ");
        assertThat(apt.run("install", "--simulate", "fw-arm").output()).contains("Unable to locate package fw-arm");

        final PublishResult upgrade = publish("fw-core", "1.0.1-1", "amd64");
        assertThat(upgrade.published()).isTrue();
        update = apt.run("update");
        assertThat(update.exit()).as(update.output()).isZero();
        download = apt.run("download", "fw-core");
        assertThat(download.exit()).as(download.output()).isZero();
        assertThat(DebPackageInspector.digests(apt.downloads().resolve("fw-core_1.0.1-1_amd64.deb"))[0]).isEqualTo(upgrade.sha256());
        simulate = apt.run("install", "--simulate", "fw-core");
        assertThat(simulate.output()).contains("Inst fw-core (1.0.1-1 ");
    }

    @Test
    void aptRefusesTheRepositoryWithAnotherKey() throws Exception {
        publish("fw-core", "1.0", "amd64");
        final Path other = work.resolve("other");
        final GpgSigner otherSigner = new GpgSigner(other.resolve("gnupg"), "gpg", "", "Someone else <x@caravan.invalid>");
        try (otherSigner) {
            otherSigner.ensureKey(null);
            final Path key = Files.write(other.resolve("other.gpg"), otherSigner.exportPublicKey(false));
            final IsolatedApt apt = new IsolatedApt(work.resolve("apt-other"), http.url(), "stable", key);
            final IsolatedApt.Result update = apt.run("update");
            assertThat(update.output()).contains("NO_PUBKEY");
            assertThat(apt.run("install", "--simulate", "fw-core").exit()).isNotZero();
        }
    }

    @Test
    void refusesDowngradesAndOtherBytesUnderAPublishedVersionAndIsIdempotent() throws Exception {
        final Path original = Debs.build(work.resolve("debs"), "fw-core", "2.0", "amd64", "gzip", 3000);
        final PublishResult published = repo.publish(INSPECTOR.inspect(original));
        final Path snapshot = repo.currentSnapshot();
        final byte[] inRelease = Files.readAllBytes(snapshot.resolve("dists/stable/InRelease"));

        final PublishResult again = repo.publish(INSPECTOR.inspect(original));
        assertThat(again.published()).isFalse();
        assertThat(again.sha256()).isEqualTo(published.sha256());
        assertThat(again.publishedAt()).isEqualTo(published.publishedAt());

        final Path otherBytes = Debs.build(work.resolve("debs"), "fw-core", "2.0", "amd64", "gzip", 3000, 7);
        assertThatThrownBy(() -> repo.publish(INSPECTOR.inspect(otherBytes))).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("version-exists");
            assertThat(e.getMessage()).contains("fw-core 2.0 (amd64) is already published with different contents");
        });
        final Path equalVersion = Debs.build(work.resolve("debs"), "fw-core", "2.0-0", "amd64", "gzip", 3000);
        assertThatThrownBy(() -> repo.publish(INSPECTOR.inspect(equalVersion))).isInstanceOfSatisfying(FirmwareRejected.class,
                e -> assertThat(e.code()).isEqualTo("version-exists"));
        final Path lower = Debs.build(work.resolve("debs"), "fw-core", "2.0~rc1", "amd64", "gzip", 3000);
        assertThatThrownBy(() -> repo.publish(INSPECTOR.inspect(lower))).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("downgrade");
            assertThat(e.getMessage()).contains("2.0~rc1 (amd64) is lower than the published version 2.0");
        });
        assertThat(repo.currentSnapshot()).isEqualTo(snapshot);
        assertThat(Files.readAllBytes(repo.currentSnapshot().resolve("dists/stable/InRelease"))).isEqualTo(inRelease);
        // another architecture is another package entry
        assertThat(publish("fw-core", "1.0", "arm64").published()).isTrue();
    }

    @Test
    void recoversWhatAnInterruptedPublishLeftBehind() throws Exception {
        publish("fw-core", "1.0", "amd64");
        final Path current = repo.currentSnapshot();
        repo.close();
        final Path root = work.resolve("repo");
        Files.createDirectories(root.resolve(".staging-42/dists/stable"));
        Files.writeString(root.resolve(".staging-42/dists/stable/Release"), "half");
        final Path orphan = root.resolve("snapshots/0000000099");
        Files.createDirectories(orphan.resolve("dists/stable"));
        Files.writeString(orphan.resolve("dists/stable/InRelease"), "never current");
        Files.writeString(orphan.resolve(".index"), "");
        Files.createSymbolicLink(root.resolve("current.tmp"), Path.of("snapshots/0000000099"));
        Files.writeString(root.resolve("pool/main/f/fw-core/.tmp-fw-core_1.1_amd64.deb"), "partial");

        repo = open(work);
        assertThat(repo.currentSnapshot()).isEqualTo(current);
        assertThat(root.resolve(".staging-42")).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(root.resolve("current.tmp")).doesNotExist();
        assertThat(root.resolve("pool/main/f/fw-core/.tmp-fw-core_1.1_amd64.deb")).doesNotExist();
        assertThat(repo.latest("fw-core", "amd64")).hasValueSatisfying(v -> assertThat(v).hasToString("1.0"));
        assertThat(publish("fw-core", "1.1", "amd64").published()).isTrue();
        final IsolatedApt.Result update = apt("apt").run("update");
        assertThat(update.exit()).as(update.output()).isZero();
    }

    @Test
    void serialisesConcurrentPublishes() throws Exception {
        final List<Path> debs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            debs.add(Debs.build(work.resolve("debs"), "fw-par" + i, "1." + i, i % 2 == 0 ? "amd64" : "all", "gzip", 2000));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Future<PublishResult>> results = new ArrayList<>();
            for (final Path deb : debs) {
                results.add(pool.submit(() -> repo.publish(INSPECTOR.inspect(deb))));
            }
            final Set<Long> snapshots = new java.util.HashSet<>();
            for (final Future<PublishResult> f : results) {
                snapshots.add(f.get().snapshot());
            }
            // serialised, and uploads queued behind a running publish share the next snapshot (group commit)
            assertThat(snapshots).hasSizeBetween(1, 8);
        } finally {
            pool.shutdownNow();
        }
        assertThat(repo.size()).isEqualTo(8);
        final String packages = Files.readString(repo.currentSnapshot().resolve("dists/stable/main/binary-amd64/Packages"));
        for (int i = 0; i < 8; i++) {
            assertThat(packages).contains("Package: fw-par" + i + "\n");
        }
        final IsolatedApt apt = apt("apt");
        assertThat(apt.run("update").exit()).isZero();
        assertThat(apt.run("install", "--simulate", "fw-par0", "fw-par7").output()).contains("Inst fw-par0 (1.0 ", "Inst fw-par7 (1.7 ");
    }

    @Test
    void concurrentIdenticalUploadsPublishOnceAndARejectedOneDoesNotSpoilTheOthers() throws Exception {
        publish("fw-old", "5.0", "amd64");
        final DebPackage same = INSPECTOR.inspect(Debs.build(work.resolve("debs"), "fw-same", "1.0", "amd64", "gzip", 2000));
        final DebPackage downgrade = INSPECTOR.inspect(Debs.build(work.resolve("debs"), "fw-old", "4.0", "amd64", "gzip", 2000));
        final DebPackage other = INSPECTOR.inspect(Debs.build(work.resolve("debs"), "fw-other", "1.0", "amd64", "gzip", 2000));
        final ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            final List<Future<PublishResult>> sames = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                sames.add(pool.submit(() -> repo.publish(same)));
            }
            final Future<PublishResult> bad = pool.submit(() -> repo.publish(downgrade));
            final Future<PublishResult> good = pool.submit(() -> repo.publish(other));
            int published = 0;
            for (final Future<PublishResult> f : sames) {
                final PublishResult r = f.get();
                assertThat(r.sha256()).isEqualTo(same.sha256());
                published += r.published() ? 1 : 0;
            }
            assertThat(published).isEqualTo(1);
            assertThatThrownBy(bad::get).hasCauseInstanceOf(FirmwareRejected.class).hasMessageContaining("lower than the published version 5.0");
            assertThat(good.get().published()).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(repo.latest("fw-old", "amd64")).hasValueSatisfying(v -> assertThat(v).hasToString("5.0"));
        assertThat(repo.size()).isEqualTo(3);
        final IsolatedApt.Result update = apt("apt").run("update");
        assertThat(update.exit()).as(update.output()).isZero();
    }

    /** Readers never see a Release that does not match its Packages: apt-get update runs while publishes swap snapshots. */
    @Test
    void aBurstOfMorePublishesThanKeptSnapshotsStillServesTheIndexAnEarlierInReleaseNamed() throws Exception {
        publish("fw-burst", "1", "amd64");
        final String inRelease = Files.readString(repo.currentSnapshot().resolve("dists/stable/InRelease"));
        final java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^ ([0-9a-f]{64}) +\\d+ main/binary-amd64/Packages$", java.util.regex.Pattern.MULTILINE)
                .matcher(inRelease.substring(inRelease.indexOf("SHA256:")));
        assertThat(m.find()).as(inRelease).isTrue();
        final String sha256 = m.group(1);
        for (int i = 2; i <= 12; i++) { // keep = 5: the old index is far outside the kept generations
            publish("fw-burst", String.valueOf(i), "amd64");
        }
        final Path byHash = repo.currentSnapshot().resolve("dists/stable/main/binary-amd64/by-hash/SHA256").resolve(sha256);
        assertThat(byHash).isRegularFile();
        assertThat(DebPackageInspector.digests(byHash)[0]).isEqualTo(sha256);
    }

    @Test
    void aptUpdateDuringPublishesNeverSeesAMismatch() throws Exception {
        publish("fw-busy", "1", "amd64");
        final List<Path> debs = new ArrayList<>();
        Files.createDirectories(work.resolve("debs"));
        for (int i = 2; i < 60; i++) {
            debs.add(Files.write(work.resolve("debs/fw-busy-" + i + ".deb"),
                    Debs.handmade("2.0\n", "control.tar.gz", Debs.control("fw-busy", String.valueOf(i), "amd64"), true)));
        }
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger published = new AtomicInteger();
        final ExecutorService publisher = Executors.newSingleThreadExecutor();
        final Future<?> publishing = publisher.submit(() -> {
            for (final Path deb : debs) {
                if (stop.get()) {
                    return null;
                }
                repo.publish(INSPECTOR.inspect(deb));
                published.incrementAndGet();
            }
            return null;
        });
        try {
            final IsolatedApt apt = apt("apt");
            int updates = 0;
            while (!publishing.isDone() && updates < 12) {
                final IsolatedApt.Result update = apt.run("update");
                assertThat(update.exit()).as(update.output()).isZero();
                assertThat(update.output()).doesNotContain("Hash Sum mismatch", "unexpected size", "E:", "W:");
                updates++;
            }
            assertThat(updates).isGreaterThan(1);
        } finally {
            stop.set(true);
            publishing.get();
            publisher.shutdownNow();
        }
        assertThat(published.get()).isGreaterThan(1);
    }

    /** Issue 21 item 3: a package's own Filename/Size/checksum fields never reach the index. */
    @Test
    void refusesAPackageThatCarriesAFieldTheRepositoryComputesAndLeavesTheRepositoryUntouched() throws Exception {
        publish("fw-demo", "1.0.0", "amd64");
        final Path snapshot = repo.currentSnapshot();
        final byte[] inRelease = Files.readAllBytes(snapshot.resolve("dists/stable/InRelease"));
        final String hostile = "Filename: pool/main/f/fw-demo/../../../../../etc/passwd";
        for (final String field : List.of(hostile, "Size: 1", "MD5sum: 00", "SHA1: 00", "SHA256: 00", "SHA512: 00", "Description-md5: 00",
                "X-Caravan-Published-At: 2020-01-01T00:00:00Z", "filename: pool/x.deb")) {
            final Path deb = Files.write(work.resolve("debs/hostile.deb"),
                    Debs.handmade("2.0\n", "control.tar.gz", Debs.control("fw-demo", "1.0.1", "amd64") + field + "\n", true));
            final String name = field.substring(0, field.indexOf(':'));
            assertThatThrownBy(() -> INSPECTOR.inspect(deb)).as(field).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.code()).isEqualTo("computed-field");
                assertThat(e.getMessage()).contains("control file sets '" + name + "'");
            });
        }
        // a DebPackage made some other way (not through the inspector) is refused by the repository itself
        final DebPackage good = INSPECTOR.inspect(Debs.build(work.resolve("debs"), "fw-demo", "1.0.1", "amd64", "xz", 1000));
        final DebPackage forged = new DebPackage(good.file(), ControlFields.parse(good.control().toText() + hostile + "\n"), good.name(),
                good.version(), good.architecture(), good.size(), good.sha256(), good.sha1(), good.md5());
        assertThatThrownBy(() -> repo.publish(forged)).isInstanceOfSatisfying(FirmwareRejected.class,
                e -> assertThat(e.code()).isEqualTo("computed-field"));
        assertThat(repo.currentSnapshot()).isEqualTo(snapshot);
        assertThat(Files.readAllBytes(repo.currentSnapshot().resolve("dists/stable/InRelease"))).isEqualTo(inRelease);
        assertThat(work.resolve("repo/pool/main/f/fw-demo/fw-demo_1.0.1_amd64.deb")).doesNotExist();
        assertThat(repo.latest("fw-demo", "amd64")).hasValueSatisfying(v -> assertThat(v).hasToString("1.0.0"));
    }

    /**
     * Issue 21 item 3: a repository that an older version already published with a package's own
     * Filename copied beside the computed one (the index then holds the field twice) is repaired
     * when opened, and the next good upload is published (it used to get "field 'Filename' twice").
     */
    @Test
    void anIndexWithDuplicatedComputedFieldsFromAnOlderVersionIsRepairedAndTheNextUploadIsPublished() throws Exception {
        final PublishResult first = publish("fw-demo", "1.0.1", "amd64");
        publish("fw-other", "1.0", "all");
        repo.close();
        // exactly what the old stanza() wrote: the package's fields (with its Filename and SHA256) then the repository's own
        final Path index = repo.currentSnapshot().resolve(".index");
        final String original = Files.readString(index);
        final String bad = original.replace("Priority: optional\nFilename: pool/main/f/fw-demo/",
                "Priority: optional\nFilename: pool/main/f/fw-demo/../../../../../etc/passwd\nSHA256: " + "0".repeat(64)
                        + "\nSHA512: 00\nFilename: pool/main/f/fw-demo/");
        assertThat(bad).isNotEqualTo(original);
        Files.writeString(index, bad);

        repo = open(work);
        final String repaired = Files.readString(repo.currentSnapshot().resolve("dists/stable/main/binary-amd64/Packages"));
        assertThat(repaired).doesNotContain("etc/passwd", "0".repeat(64), "SHA512").contains("SHA256: " + first.sha256());
        final PublishResult next = publish("fw-demo", "1.0.2", "amd64");
        assertThat(next.published()).isTrue();

        final String packages = Files.readString(repo.currentSnapshot().resolve("dists/stable/main/binary-amd64/Packages"));
        for (final String stanza : packages.strip().split("\n\n")) {
            assertThat(stanza.split("\nFilename: ", -1)).as(stanza).hasSize(2);
            assertThat(stanza.split("\nSHA256: ", -1)).as(stanza).hasSize(2);
        }
        assertThat(packages).doesNotContain("etc/passwd");
        final IsolatedApt apt = apt("apt");
        final IsolatedApt.Result update = apt.run("update");
        assertThat(update.exit()).as(update.output()).isZero();
        assertThat(update.output()).doesNotContain("E:", "W:");
        final IsolatedApt.Result download = apt.run("download", "fw-demo", "fw-other");
        assertThat(download.exit()).as(download.output()).isZero();
        assertThat(DebPackageInspector.digests(apt.downloads().resolve("fw-demo_1.0.2_amd64.deb"))[0]).isEqualTo(next.sha256());
    }

    /**
     * Issue 21 item 4: {@code 1:1.0} and {@code 1.0} share the pool file name (the epoch is not part of
     * it); the second upload is refused instead of replacing a file that snapshots list and that is
     * served immutable. A higher version with the epoch is published and installed by a real apt-get.
     */
    @Test
    void aVersionThatDiffersOnlyInItsEpochIsRefusedAndThePublishedPoolFileStaysAsItWas() throws Exception {
        final PublishResult first = publish("fw-epoch", "1.0", "amd64");
        final Path pool = work.resolve("repo").resolve(first.poolPath());
        assertThat(pool.getFileName()).hasToString("fw-epoch_1.0_amd64.deb");
        final Path snapshot = repo.currentSnapshot();

        final DebPackage epoch = INSPECTOR.inspect(Debs.build(work.resolve("debs"), "fw-epoch", "1:1.0", "amd64", "xz", 4000));
        assertThat(epoch.poolFileName()).isEqualTo("fw-epoch_1.0_amd64.deb");
        assertThatThrownBy(() -> repo.publish(epoch)).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.code()).isEqualTo("pool-file-exists");
            assertThat(e.getMessage()).contains("fw-epoch 1:1.0 (amd64) would be stored as pool/main/f/fw-epoch/fw-epoch_1.0_amd64.deb",
                    "sha256 " + first.sha256(), "epoch");
        });
        assertThat(DebPackageInspector.digests(pool)[0]).isEqualTo(first.sha256());
        assertThat(repo.currentSnapshot()).isEqualTo(snapshot);
        assertThat(repo.latest("fw-epoch", "amd64")).hasValueSatisfying(v -> assertThat(v).hasToString("1.0"));

        final IsolatedApt apt = apt("apt");
        IsolatedApt.Result update = apt.run("update");
        assertThat(update.exit()).as(update.output()).isZero();
        IsolatedApt.Result download = apt.run("download", "fw-epoch");
        assertThat(download.exit()).as(download.output()).isZero();
        assertThat(DebPackageInspector.digests(apt.downloads().resolve("fw-epoch_1.0_amd64.deb"))[0]).isEqualTo(first.sha256());

        final PublishResult next = publish("fw-epoch", "1:1.0.1", "amd64");
        assertThat(next.published()).isTrue();
        assertThat(next.poolPath()).endsWith("/fw-epoch_1.0.1_amd64.deb");
        update = apt.run("update");
        assertThat(update.exit()).as(update.output()).isZero();
        assertThat(update.output()).doesNotContain("E:", "W:");
        download = apt.run("download", "fw-epoch");
        assertThat(download.exit()).as(download.output()).isZero();
        assertThat(DebPackageInspector.digests(apt.downloads().resolve("fw-epoch_1%3a1.0.1_amd64.deb"))[0]).isEqualTo(next.sha256());
        assertThat(apt.run("install", "--simulate", "fw-epoch").output()).contains("Inst fw-epoch (1:1.0.1 ");
        assertThat(DebPackageInspector.digests(pool)[0]).isEqualTo(first.sha256());
    }
}
