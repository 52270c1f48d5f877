package io.caravan.firmwarepublish;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark of src/test/bench/firmware-publish/run.sh: publish latency (validation + pool copy +
 * new snapshot + two gpg signatures + fsyncs + symlink swap) into repositories of 1, 100 and 1000
 * packages, then concurrent uploads into the 1000-package repository.
 * Args: work dir, sizes (comma list), publishes per size, threads, uploads per thread, payload bytes.
 */
public final class PublishBench {

    private PublishBench() {
    }

    public static void main(final String[] args) throws Exception {
        final Path work = Path.of(args[0]);
        final int[] sizes = java.util.Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
        final int publishes = Integer.parseInt(args[2]);
        final int threads = Integer.parseInt(args[3]);
        final int perThread = Integer.parseInt(args[4]);
        final int payload = Integer.parseInt(args[5]);
        final DebPackageInspector inspector = new DebPackageInspector(Set.of("amd64", "arm64", "all"), "zstd");
        final GpgSigner signer = new GpgSigner(work.resolve("gnupg"), "gpg", "", "Bench <bench@caravan.invalid>");
        signer.ensureKey(null);
        final Path debs = Files.createDirectories(work.resolve("debs"));
        report("| repository size | publishes | p50 ms | p95 ms | max ms | mean ms | Packages (amd64) bytes |");
        report("|---:|---:|---:|---:|---:|---:|---:|");
        AptRepository last = null;
        for (final int size : sizes) {
            final Path root = work.resolve("repo-" + size);
            AptRepository.deleteTree(root);
            final AptRepository repo = AptRepository.open(root, "stable", Set.of("amd64", "arm64", "all"), signer, "caravan-firmware", 5,
                    Clock.systemUTC());
            final long seed0 = System.nanoTime();
            for (int i = 0; i < size; i++) {
                repo.publish(inspector.inspect(deb(debs, "seed" + i, "1.0", payload)));
            }
            final double seedSeconds = (System.nanoTime() - seed0) / 1e9;
            final List<Double> ms = new ArrayList<>();
            for (int i = 0; i < publishes; i++) {
                final Path deb = deb(debs, "seed0", "2." + i, payload);
                final long t0 = System.nanoTime();
                repo.publish(inspector.inspect(deb));
                ms.add((System.nanoTime() - t0) / 1e6);
            }
            final long packagesBytes = Files.size(repo.currentSnapshot().resolve("dists/stable/main/binary-amd64/Packages"));
            report(String.format(Locale.ROOT, "| %d | %d | %.0f | %.0f | %.0f | %.0f | %d |", size, publishes, pct(ms, 50), pct(ms, 95),
                    Collections.max(ms), ms.stream().mapToDouble(Double::doubleValue).average().orElse(0), packagesBytes));
            System.err.printf(Locale.ROOT, "seeded %d packages in %.1f s%n", size, seedSeconds);
            last = repo;
        }
        // concurrent uploads (distinct packages) into the largest repository
        final AptRepository repo = last;
        final List<Path> uploads = new ArrayList<>();
        for (int t = 0; t < threads * perThread; t++) {
            uploads.add(deb(debs, "conc" + t, "1.0", payload));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final List<Future<Double>> results = new ArrayList<>();
        final long t0 = System.nanoTime();
        for (final Path deb : uploads) {
            results.add(pool.submit(() -> {
                final long s = System.nanoTime();
                repo.publish(inspector.inspect(deb));
                return (System.nanoTime() - s) / 1e6;
            }));
        }
        final List<Double> ms = new ArrayList<>();
        for (final Future<Double> f : results) {
            ms.add(f.get());
        }
        final double wall = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        report("");
        report("| concurrent uploads | threads | wall s | uploads/s | p50 ms | p95 ms | max ms | final packages |");
        report("|---:|---:|---:|---:|---:|---:|---:|---:|");
        report(String.format(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.0f | %.0f | %.0f | %d |", uploads.size(), threads, wall,
                uploads.size() / wall, pct(ms, 50), pct(ms, 95), Collections.max(ms), repo.size()));
        signer.close();
    }

    private static Path deb(final Path dir, final String name, final String version, final int payload) throws Exception {
        final byte[] data = new byte[payload];
        new java.util.Random(name.hashCode() + version.hashCode()).nextBytes(data);
        final List<Object[]> members = new ArrayList<>();
        members.add(new Object[] {"debian-binary", "2.0\n".getBytes()});
        members.add(new Object[] {"control.tar.gz", Debs.tarGz("./control", Debs.control(name, version, "amd64").getBytes())});
        members.add(new Object[] {"data.tar.gz", Debs.tarGz("./opt/caravan/" + name + ".bin", data)});
        return Files.write(dir.resolve(name + "_" + version + ".deb"), Debs.ar(members));
    }

    private static double pct(final List<Double> values, final int p) {
        final List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static void report(final String line) {
        System.out.println(line);
    }
}
