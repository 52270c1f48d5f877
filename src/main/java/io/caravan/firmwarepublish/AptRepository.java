package io.caravan.firmwarepublish;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A signed APT repository generated in Java, published atomically.
 *
 * <h2>Why generated in Java and not reprepro or aptly</h2>
 * reprepro updates one repository tree in place (its Berkeley DB, then Packages, then Release,
 * file by file): a reader between two renames sees a Release that does not match its Packages,
 * and a process killed inside a DB transaction can leave the DB locked or damaged. It also keeps
 * one version per package anyway and rejects {@code all} in Architectures. aptly snapshots are
 * atomic but it is a second server with its own database to run and back up. A flat repository of
 * firmware packages needs only a Packages file per architecture and a signed Release: writing
 * those in Java takes milliseconds for thousands of packages, needs no database besides the
 * repository itself, and lets every step be ordered for crash safety. Only signing is delegated
 * (to gpg).
 *
 * <h2>Layout and atomicity</h2>
 * <pre>
 * repo/pool/main/&lt;c&gt;/&lt;pkg&gt;/&lt;pkg&gt;_&lt;ver&gt;_&lt;arch&gt;.deb   immutable, shared by all snapshots
 * repo/snapshots/&lt;n&gt;/dists/&lt;suite&gt;/{Release,InRelease,Release.gpg,main/binary-&lt;arch&gt;/...}
 * repo/snapshots/&lt;n&gt;/pool -&gt; ../../pool,  &lt;key&gt;.gpg, &lt;key&gt;.asc, .index (all entries)
 * repo/current -&gt; snapshots/&lt;n&gt;                  the only thing readers follow
 * </pre>
 * A publish writes the new snapshot in {@code .staging-<n>}, fsyncs it, renames it to
 * {@code snapshots/<n>}, then replaces the {@code current} symlink with rename(2). A reader that
 * resolves {@code current} once per file therefore never sees a half-written file, and because
 * Release says {@code Acquire-By-Hash: yes} and every snapshot carries by-hash copies (hard links)
 * of the indexes of the previous {@code keep} snapshots and of every index written in the last
 * {@link #BY_HASH_MIN_AGE} (however many publishes came since), an apt-get update that fetched the
 * old InRelease just before a swap still downloads the Packages that match it.
 * A process killed mid-publish leaves at most a {@code .staging-*} directory, a never-linked
 * snapshot or an orphan pool file; {@link #open} removes them and keeps {@code current}.
 * Publishes are serialised by a lock inside the JVM and an exclusive file lock across processes;
 * uploads that queue up behind a running publish are committed together in the next snapshot.
 */
public final class AptRepository implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AptRepository.class);
    private static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final String INDEX = ".index";
    private static final String PUBLISHED_AT = "X-Caravan-Published-At";
    /**
     * Fields of a Packages stanza that the repository computes from the pool file (lower case), plus
     * its own bookkeeping (any {@code X-Caravan-*}). A package that carries one is refused: a copied
     * {@code Filename} would send apt elsewhere and a duplicated field makes the index unreadable.
     */
    static final Set<String> COMPUTED_FIELDS = Set.of("filename", "size", "md5sum", "sha1", "sha256", "sha512", "description-md5",
            PUBLISHED_AT.toLowerCase(Locale.ROOT));
    /** The computed fields this repository writes itself (lower case). */
    private static final Set<String> OWN_FIELDS = Set.of("filename", "size", "md5sum", "sha1", "sha256", PUBLISHED_AT.toLowerCase(Locale.ROOT));

    private final Path root;
    private final String suite;
    private final String component = "main";
    private final List<String> architectures;
    private final GpgSigner signer;
    private final String keyName;
    private final int keep;
    /** By-hash indexes stay reachable at least this long after they were written (far longer than an apt-get update). */
    static final java.time.Duration BY_HASH_MIN_AGE = java.time.Duration.ofMinutes(10);
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

    private long cachedSnapshot = -1;
    private Map<String, Entry> cachedIndex = Map.of();

    /** One package in the index: its key is Package + "_" + Architecture. */
    record Entry(String name, String architecture, DebianVersion version, String sha256, long size, String filename,
            Instant publishedAt, String stanza) {
        String key() {
            return name + "_" + architecture;
        }
    }

    private AptRepository(final Path root, final String suite, final Set<String> architectures, final GpgSigner signer,
            final String keyName, final int keep, final Clock clock) {
        this.root = root;
        this.suite = suite;
        this.architectures = List.copyOf(new TreeSet<>(architectures.stream().filter(a -> !a.equals("all")).toList()));
        if (this.architectures.isEmpty()) {
            throw new IllegalArgumentException("at least one architecture other than 'all' is needed");
        }
        this.signer = signer;
        this.keyName = keyName;
        this.keep = Math.max(2, keep);
        this.clock = clock;
    }

    /**
     * Opens (creating or recovering) the repository at {@code root}: removes what an interrupted
     * publish left behind and makes sure {@code current} points to a complete, signed snapshot.
     *
     * @param architectures accepted architectures; {@code all} packages go into every binary-&lt;arch&gt; index
     * @param keyName       file name (without extension) of the public key served beside dists/
     * @param keep          snapshots kept (and generations of by-hash indexes)
     */
    public static AptRepository open(final Path root, final String suite, final Set<String> architectures, final GpgSigner signer,
            final String keyName, final int keep, final Clock clock) throws IOException {
        final AptRepository repo = new AptRepository(root, suite, architectures, signer, keyName, keep, clock);
        repo.withLock(() -> {
            repo.recover();
            return null;
        });
        return repo;
    }

    public Path root() {
        return root;
    }

    public String suite() {
        return suite;
    }

    public List<String> architectures() {
        return architectures;
    }

    public String keyName() {
        return keyName;
    }

    /** The snapshot {@code current} points to, resolved now (readers use it for one whole file). */
    public Path currentSnapshot() throws IOException {
        return root.resolve("current").toRealPath();
    }

    /** The latest published version of a package for an architecture, if any. */
    public Optional<DebianVersion> latest(final String name, final String architecture) throws IOException {
        return Optional.ofNullable(index().get(name + "_" + architecture)).map(Entry::version);
    }

    /** The latest version of a package over all architectures, if any. */
    public Optional<DebianVersion> latest(final String name) throws IOException {
        return index().values().stream().filter(e -> e.name().equals(name)).map(Entry::version).max(Comparator.naturalOrder());
    }

    /** Number of packages (name+architecture) in the current snapshot. */
    public int size() throws IOException {
        return index().size();
    }

    /**
     * Publishes a validated package: 409 ({@link FirmwareRejected}) for a version that is not
     * higher than the published one unless the file is byte-identical to it (then nothing changes).
     * Group commit: callers that arrive while a snapshot is being written are queued, and the next
     * lock holder publishes all of them in one snapshot (one index write, one signature).
     */
    public PublishResult publish(final DebPackage pkg) throws IOException {
        final Pending mine = new Pending(pkg, new CompletableFuture<>());
        queue.add(mine);
        withLock(() -> {
            if (!mine.result().isDone()) {
                publishBatch();
            }
            return null;
        });
        try {
            return mine.result().get();
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof FirmwareRejected rejected) {
                throw rejected;
            }
            if (cause instanceof IOException io) {
                throw new IOException(io.getMessage(), io);
            }
            throw new IllegalStateException("publishing " + pkg.name() + " failed: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing", e);
        }
    }

    private record Pending(DebPackage pkg, CompletableFuture<PublishResult> result) {
    }

    /** Under the lock: every queued package is decided, the accepted ones go into one new snapshot. */
    private void publishBatch() throws IOException {
        final List<Pending> batch = new ArrayList<>();
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
            batch.add(p);
        }
        if (batch.isEmpty()) {
            return;
        }
        final Map<String, Entry> index;
        final long currentSeq;
        try {
            index = index();
            currentSeq = currentSeq();
        } catch (IOException | RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        final Map<String, Entry> next = new TreeMap<>(index);
        final Instant now = clock.instant();
        final List<Pending> accepted = new ArrayList<>();
        final List<Pending> sameAsAccepted = new ArrayList<>();
        for (final Pending p : batch) {
            final DebPackage pkg = p.pkg();
            try {
                refuseComputedFields(pkg.control());
                final Entry existing = next.get(pkg.name() + "_" + pkg.architecture());
                if (existing != null) {
                    final int cmp = pkg.version().compareTo(existing.version());
                    if (cmp == 0 && existing.sha256().equals(pkg.sha256())) {
                        if (index.get(existing.key()) == existing) {
                            p.result().complete(new PublishResult(false, pkg.name(), existing.version().toString(), pkg.architecture(),
                                    existing.sha256(), existing.size(), existing.filename(), existing.publishedAt(), currentSeq));
                        } else {
                            sameAsAccepted.add(p);
                        }
                        continue;
                    }
                    if (cmp == 0) {
                        throw new FirmwareRejected(409, "version-exists", pkg.name() + " " + pkg.version() + " (" + pkg.architecture()
                                + ") is already published with different contents (sha256 " + existing.sha256()
                                + "); publish a higher version");
                    }
                    if (cmp < 0) {
                        throw new FirmwareRejected(409, "downgrade", pkg.name() + " " + pkg.version() + " (" + pkg.architecture()
                                + ") is lower than the published version " + existing.version() + "; publish a higher version");
                    }
                }
                final String filename = poolPath(pkg);
                placeInPool(pkg, root.resolve(filename));
                final Entry entry = new Entry(pkg.name(), pkg.architecture(), pkg.version(), pkg.sha256(), pkg.size(), filename, now,
                        stanza(pkg, filename, now));
                next.put(entry.key(), entry);
                accepted.add(p);
            } catch (IOException | RuntimeException e) {
                p.result().completeExceptionally(e);
            }
        }
        if (accepted.isEmpty()) {
            return;
        }
        final long seq;
        try {
            seq = writeSnapshot(next, currentSeq);
            cachedIndex = next;
            cachedSnapshot = seq;
        } catch (IOException | RuntimeException e) {
            accepted.forEach(p -> p.result().completeExceptionally(e));
            sameAsAccepted.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        for (final Pending p : accepted) {
            final DebPackage pkg = p.pkg();
            p.result().complete(new PublishResult(true, pkg.name(), pkg.version().toString(), pkg.architecture(), pkg.sha256(), pkg.size(),
                    poolPath(pkg), now, seq));
        }
        for (final Pending p : sameAsAccepted) {
            final DebPackage pkg = p.pkg();
            p.result().complete(new PublishResult(false, pkg.name(), pkg.version().toString(), pkg.architecture(), pkg.sha256(),
                    pkg.size(), poolPath(pkg), now, seq));
        }
    }

    private String poolPath(final DebPackage pkg) {
        return poolPath(pkg.name(), pkg.poolFileName());
    }

    private String poolPath(final String name, final String poolFileName) {
        return "pool/" + component + "/" + name.charAt(0) + "/" + name + "/" + poolFileName;
    }

    private <T> T withLock(final IoSupplier<T> body) throws IOException {
        lock.lock();
        try {
            Files.createDirectories(root);
            try (FileChannel ch = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return body.get();
            }
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    // ---------------------------------------------------------------- recovery

    private void recover() throws IOException {
        Files.createDirectories(root.resolve("snapshots"));
        Files.createDirectories(root.resolve("pool"));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, ".staging-*")) {
            for (final Path staging : ds) {
                LOG.warn("firmware-publish: removing {} left by an interrupted publish", staging);
                deleteTree(staging);
            }
        }
        Files.deleteIfExists(root.resolve("current.tmp"));
        try (Stream<Path> files = Files.walk(root.resolve("pool"))) {
            for (final Path tmp : files.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
                Files.deleteIfExists(tmp);
            }
        }
        long current = -1;
        final Path link = root.resolve("current");
        if (Files.isSymbolicLink(link)) {
            final Path target = link.toRealPath();
            if (complete(target)) {
                current = Long.parseLong(target.getFileName().toString());
            } else {
                LOG.warn("firmware-publish: current points to an incomplete snapshot {}", target);
            }
        }
        final List<Long> all = snapshots();
        if (current < 0) {
            for (int i = all.size() - 1; i >= 0; i--) {
                if (complete(snapshotDir(all.get(i)))) {
                    current = all.get(i);
                    break;
                }
            }
            if (current >= 0) {
                swap(current);
            }
        }
        for (final long s : all) {
            if (s > current) {
                // renamed into place but never made current: the upload was never acknowledged
                LOG.warn("firmware-publish: removing snapshot {} that an interrupted publish never made current", s);
                deleteTree(snapshotDir(s));
            }
        }
        if (current < 0) {
            writeSnapshot(new TreeMap<>(), 0);
        } else {
            final IndexRead read = readIndex(snapshotDir(current));
            if (read.repaired()) {
                // an older version wrote duplicated fields: publish the repaired index at once
                LOG.warn("firmware-publish: snapshot {} held repaired index entries; publishing a corrected snapshot", current);
                writeSnapshot(read.entries(), current);
            } else if (!Files.exists(snapshotDir(current).resolve(keyName + ".gpg"))) {
                writeSnapshot(read.entries(), current); // key changed or missing: re-sign
            }
        }
        cachedSnapshot = -1;
    }

    private boolean complete(final Path snapshot) {
        return Files.isRegularFile(snapshot.resolve(INDEX)) && Files.isRegularFile(snapshot.resolve("dists").resolve(suite).resolve("InRelease"));
    }

    private List<Long> snapshots() throws IOException {
        final List<Long> seqs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve("snapshots"))) {
            for (final Path p : ds) {
                try {
                    seqs.add(Long.parseLong(p.getFileName().toString()));
                } catch (NumberFormatException ignored) {
                    // not a snapshot
                }
            }
        }
        seqs.sort(Comparator.naturalOrder());
        return seqs;
    }

    private Path snapshotDir(final long seq) {
        return root.resolve("snapshots").resolve(String.format(Locale.ROOT, "%010d", seq));
    }

    private long currentSeq() throws IOException {
        return Long.parseLong(currentSnapshot().getFileName().toString());
    }

    // ---------------------------------------------------------------- index

    private Map<String, Entry> index() throws IOException {
        final long seq = currentSeq();
        if (seq != cachedSnapshot) {
            cachedIndex = readIndex(snapshotDir(seq)).entries();
            cachedSnapshot = seq;
        }
        return cachedIndex;
    }

    /** The entries of a snapshot's index, and whether any of them had to be repaired while reading. */
    private record IndexRead(Map<String, Entry> entries, boolean repaired) {
    }

    /**
     * Reads a snapshot's index. A stanza written by an older version that copied a package's own
     * {@code Filename}/{@code Size}/checksum fields next to the computed ones (so they appear twice)
     * is repaired here instead of making every later publish fail: the package's values are dropped,
     * the repository's own ones (written last) are kept, and size and checksums are recomputed from
     * the pool file. Each repaired entry is logged.
     */
    private IndexRead readIndex(final Path snapshot) throws IOException {
        final Map<String, Entry> index = new TreeMap<>();
        boolean anyRepaired = false;
        final String text = Files.readString(snapshot.resolve(INDEX), StandardCharsets.UTF_8);
        for (final String para : text.split("\n\n")) {
            if (para.isBlank()) {
                continue;
            }
            final List<String[]> fields = indexFields(para);
            final Map<String, String> packageFields = new java.util.LinkedHashMap<>();
            final Map<String, String> computed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            final Set<String> repairedFields = new TreeSet<>();
            final Set<String> seen = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            for (final String[] f : fields) {
                final boolean again = !seen.add(f[0]);
                if (isComputed(f[0])) {
                    // the repository's own value is written after the package's fields: the last one wins
                    computed.put(f[0], f[1]);
                    if (again || !OWN_FIELDS.contains(f[0].toLowerCase(Locale.ROOT))) {
                        repairedFields.add(f[0]);
                    }
                } else if (again) {
                    repairedFields.add(f[0]);
                } else {
                    packageFields.put(f[0], f[1]);
                }
            }
            final String name = value(packageFields, "Package");
            final String architecture = value(packageFields, "Architecture");
            final DebianVersion version = DebianVersion.parse(value(packageFields, "Version"));
            final Instant publishedAt = Instant.parse(computed.get(PUBLISHED_AT));
            String filename = computed.get("Filename");
            long size = Long.parseLong(computed.get("Size"));
            String sha256 = computed.get("SHA256");
            String stanza = para.strip() + "\n";
            if (!repairedFields.isEmpty()) {
                anyRepaired = true;
                if (!isPoolPath(filename)) {
                    filename = poolPath(name, DebPackage.poolFileName(name, version, architecture));
                }
                final Path file = root.resolve(filename);
                String md5 = computed.get("MD5sum");
                String sha1 = computed.get("SHA1");
                String from = "the index";
                if (Files.isRegularFile(file)) {
                    final String[] digests = DebPackageInspector.digests(file);
                    sha256 = digests[0];
                    sha1 = digests[1];
                    md5 = digests[2];
                    size = Files.size(file);
                    from = filename;
                }
                stanza = stanza(packageFields, filename, size, md5, sha1, sha256, publishedAt);
                LOG.warn("firmware-publish: repaired index entry {} {} ({}) of snapshot {}: dropped the package's own {} field(s); "
                        + "Filename, Size and checksums recomputed from {}", name, version, architecture, snapshot.getFileName(),
                        repairedFields, from);
            }
            final Entry e = new Entry(name, architecture, version, sha256, size, filename, publishedAt, stanza);
            index.put(e.key(), e);
        }
        return new IndexRead(index, anyRepaired);
    }

    /** The fields of an index paragraph in order, duplicates kept (continuation lines joined like {@link ControlFields}). */
    private static List<String[]> indexFields(final String para) throws IOException {
        final List<String[]> fields = new ArrayList<>();
        for (final String line : para.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                if (fields.isEmpty()) {
                    throw new IOException("index paragraph starts with a continuation line: " + line);
                }
                final String[] last = fields.get(fields.size() - 1);
                last[1] = last[1] + "\n" + line;
                continue;
            }
            final int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("index line is not 'Field: value': " + line);
            }
            fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).strip()});
        }
        return fields;
    }

    private static String value(final Map<String, String> fields, final String name) throws IOException {
        for (final Map.Entry<String, String> f : fields.entrySet()) {
            if (f.getKey().equalsIgnoreCase(name)) {
                return f.getValue();
            }
        }
        throw new IOException("index entry without " + name);
    }

    private boolean isPoolPath(final String filename) {
        if (filename == null || !filename.startsWith("pool/") || filename.contains("..") || filename.contains("\\")) {
            return false;
        }
        return root.resolve(filename).normalize().startsWith(root.resolve("pool"));
    }

    /** True for a field the repository computes and a package must therefore never carry (case-insensitive). */
    static boolean isComputed(final String field) {
        final String lower = field.toLowerCase(Locale.ROOT);
        return COMPUTED_FIELDS.contains(lower) || lower.startsWith("x-caravan-");
    }

    /** The first field of {@code control} that the repository computes itself, if any. */
    static Optional<String> computedField(final ControlFields control) {
        return control.asMap().keySet().stream().filter(AptRepository::isComputed).findFirst();
    }

    /** 400 for a package whose control file carries a field the repository computes (Filename, Size, checksums...). */
    static void refuseComputedFields(final ControlFields control) {
        computedField(control).ifPresent(field -> {
            throw FirmwareRejected.invalid("computed-field", "control file sets '" + field
                    + "', a field the repository computes itself (Filename, Size, MD5sum, SHA1, SHA256, SHA512, Description-md5, "
                    + "X-Caravan-*); remove it from DEBIAN/control");
        });
    }

    private static String stanza(final DebPackage pkg, final String filename, final Instant publishedAt) {
        return stanza(pkg.control().asMap(), filename, pkg.size(), pkg.md5(), pkg.sha1(), pkg.sha256(), publishedAt);
    }

    /** The index stanza: the package's own fields (never a computed one), the computed ones, Description last. */
    private static String stanza(final Map<String, String> packageFields, final String filename, final long size, final String md5,
            final String sha1, final String sha256, final Instant publishedAt) {
        final StringBuilder sb = new StringBuilder();
        String description = null;
        for (final Map.Entry<String, String> f : packageFields.entrySet()) {
            if (f.getKey().equalsIgnoreCase("Description")) {
                description = f.getValue();
                continue;
            }
            if (isComputed(f.getKey())) {
                continue; // never reached for a package that passed refuseComputedFields
            }
            sb.append(f.getKey()).append(": ").append(f.getValue()).append('\n');
        }
        sb.append("Filename: ").append(filename).append('\n');
        sb.append("Size: ").append(size).append('\n');
        sb.append("MD5sum: ").append(md5).append('\n');
        sb.append("SHA1: ").append(sha1).append('\n');
        sb.append("SHA256: ").append(sha256).append('\n');
        sb.append(PUBLISHED_AT).append(": ").append(publishedAt).append('\n');
        if (description != null) {
            sb.append("Description: ").append(description).append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- writing

    /**
     * Puts the package's bytes at {@code target} unless that file already holds them. A pool file is
     * never replaced by other bytes: snapshots (and their by-hash indexes) that list its SHA256 may
     * still be read, and it is served {@code immutable}. Two versions share a pool file name when
     * they differ only in the epoch ({@code 1:1.0} and {@code 1.0}): see {@link DebPackage#poolFileName()}
     * for why such an upload is refused (409) rather than given an epoch-encoded name. The one case
     * refused that was safe to replace is an orphan of an interrupted publish (placed, never listed)
     * re-uploaded under the same version with other bytes; a higher version goes through.
     */
    private void placeInPool(final DebPackage pkg, final Path target) throws IOException {
        if (Files.isRegularFile(target)) {
            final String existing = DebPackageInspector.digests(target)[0];
            if (existing.equals(pkg.sha256())) {
                return;
            }
            throw new FirmwareRejected(409, "pool-file-exists", pkg.name() + " " + pkg.version() + " (" + pkg.architecture()
                    + ") would be stored as " + root.relativize(target) + ", which already holds another package file (sha256 " + existing
                    + ") that published snapshots list; pool file names leave out the epoch, as in Debian, so a version that differs "
                    + "only in its epoch cannot be published: raise the upstream version or the revision");
        }
        Files.createDirectories(target.getParent());
        final Path tmp = target.resolveSibling(".tmp-" + target.getFileName());
        Files.copy(pkg.file(), tmp, StandardCopyOption.REPLACE_EXISTING);
        fsync(tmp);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync(target.getParent());
    }

    /** Writes snapshot {@code previous + 1} holding {@code index} and makes it current; returns its number. */
    private long writeSnapshot(final Map<String, Entry> index, final long previous) throws IOException {
        final long seq = Math.max(previous, snapshots().stream().mapToLong(Long::longValue).max().orElse(0)) + 1;
        final Path staging = root.resolve(".staging-" + seq);
        deleteTree(staging);
        final Path dists = staging.resolve("dists").resolve(suite);
        final StringBuilder indexText = new StringBuilder();
        index.values().forEach(e -> indexText.append(e.stanza()).append('\n'));
        write(staging.resolve(INDEX), indexText.toString().getBytes(StandardCharsets.UTF_8));

        final List<String[]> releaseFiles = new ArrayList<>(); // {relative path, size, md5, sha256}
        for (final String arch : architectures) {
            final StringBuilder packages = new StringBuilder();
            index.values().stream().filter(e -> e.architecture().equals(arch) || e.architecture().equals("all"))
                    .forEach(e -> packages.append(publicStanza(e.stanza())).append('\n'));
            final byte[] plain = packages.toString().getBytes(StandardCharsets.UTF_8);
            final byte[] gz = gzip(plain);
            final String dir = component + "/binary-" + arch;
            final Path archDir = dists.resolve(dir);
            write(archDir.resolve("Packages"), plain);
            write(archDir.resolve("Packages.gz"), gz);
            final byte[] archRelease = ("Archive: " + suite + "\nSuite: " + suite + "\nComponent: " + component
                    + "\nOrigin: Caravan\nLabel: Caravan firmware\nArchitecture: " + arch + "\n").getBytes(StandardCharsets.UTF_8);
            write(archDir.resolve("Release"), archRelease);
            for (final String[] f : List.of(new String[] {"Packages", null}, new String[] {"Packages.gz", null},
                    new String[] {"Release", null})) {
                final byte[] bytes = f[0].equals("Packages") ? plain : f[0].equals("Packages.gz") ? gz : archRelease;
                final String sha256 = hex("SHA-256", bytes);
                releaseFiles.add(new String[] {dir + "/" + f[0], String.valueOf(bytes.length), hex("MD5", bytes), sha256});
                if (!f[0].equals("Release")) {
                    linkOrWrite(archDir.resolve("by-hash/SHA256").resolve(sha256), archDir.resolve(f[0]));
                }
            }
            carryByHash(previous, dir, archDir.resolve("by-hash/SHA256"));
        }
        final StringBuilder release = new StringBuilder();
        release.append("Origin: Caravan\nLabel: Caravan firmware\n");
        release.append("Suite: ").append(suite).append('\n');
        release.append("Codename: ").append(suite).append('\n');
        release.append("Date: ").append(RFC_2822.format(clock.instant())).append('\n');
        release.append("Architectures: ").append(String.join(" ", architectures)).append('\n');
        release.append("Components: ").append(component).append('\n');
        release.append("Description: Caravan device firmware (snapshot ").append(seq).append(")\n");
        release.append("Acquire-By-Hash: yes\n");
        release.append("MD5Sum:\n");
        releaseFiles.forEach(f -> release.append(String.format(Locale.ROOT, " %s %16s %s%n", f[2], f[1], f[0])));
        release.append("SHA256:\n");
        releaseFiles.forEach(f -> release.append(String.format(Locale.ROOT, " %s %16s %s%n", f[3], f[1], f[0])));
        final Path releaseFile = dists.resolve("Release");
        write(releaseFile, release.toString().getBytes(StandardCharsets.UTF_8));
        signer.signRelease(releaseFile);
        fsync(dists.resolve("InRelease"));
        fsync(dists.resolve("Release.gpg"));
        write(staging.resolve(keyName + ".gpg"), signer.exportPublicKey(false));
        write(staging.resolve(keyName + ".asc"), signer.exportPublicKey(true));
        Files.createSymbolicLink(staging.resolve("pool"), Path.of("../../pool"));
        fsyncTree(staging);

        final Path target = snapshotDir(seq);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        fsync(target.getParent());
        swap(seq);
        prune(seq);
        return seq;
    }

    /** The stanza as apt sees it (without Caravan's bookkeeping fields). */
    private static String publicStanza(final String stanza) {
        final StringBuilder sb = new StringBuilder();
        for (final String line : stanza.split("\n")) {
            if (!line.startsWith(PUBLISHED_AT + ":")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    /** Hard-links the by-hash files of the previous {@code keep - 1} snapshots, and younger ones, into the new one. */
    private void carryByHash(final long previous, final String dir, final Path byHash) throws IOException {
        int generations = 1;
        final List<Long> newestFirst = new ArrayList<>(snapshots());
        java.util.Collections.reverse(newestFirst);
        for (final long s : newestFirst) {
            if (s > previous || generations >= keep) {
                continue;
            }
            generations++;
            final Path old = snapshotDir(s).resolve("dists").resolve(suite).resolve(dir);
            for (final String name : List.of("Packages", "Packages.gz")) {
                final Path f = old.resolve(name);
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    linkOrWrite(byHash.resolve(hex("SHA-256", Files.readAllBytes(f))), f);
                }
            }
        }
        // Also every by-hash index the previous snapshot serves that is younger than BY_HASH_MIN_AGE
        // (a hard link keeps the index's own mtime): a burst of more than `keep` publishes must not pull
        // an index from under an apt-get update that read an older InRelease moments ago.
        final Path previousByHash = snapshotDir(previous).resolve("dists").resolve(suite).resolve(dir).resolve("by-hash/SHA256");
        if (Files.isDirectory(previousByHash, LinkOption.NOFOLLOW_LINKS)) {
            final Instant cutoff = clock.instant().minus(BY_HASH_MIN_AGE);
            try (Stream<Path> files = Files.list(previousByHash)) {
                for (final Path f : files.toList()) {
                    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(cutoff)) {
                        linkOrWrite(byHash.resolve(f.getFileName().toString()), f);
                    }
                }
            }
        }
    }

    private static void linkOrWrite(final Path link, final Path existing) throws IOException {
        Files.createDirectories(link.getParent());
        try {
            Files.createLink(link, existing);
        } catch (FileAlreadyExistsException e) {
            // same content already linked
        } catch (UnsupportedOperationException e) {
            Files.copy(existing, link);
        }
    }

    /** Points {@code current} at snapshot {@code seq}: a new symlink renamed over the old one (rename(2) is atomic). */
    private void swap(final long seq) throws IOException {
        final Path tmp = root.resolve("current.tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, Path.of("snapshots", snapshotDir(seq).getFileName().toString()));
        Files.move(tmp, root.resolve("current"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsync(root);
    }

    private void prune(final long current) throws IOException {
        final List<Long> all = snapshots();
        for (final long s : all) {
            if (s <= current - keep) {
                deleteTree(snapshotDir(s));
            }
        }
    }

    private static void write(final Path file, final byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }

    private static void fsync(final Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void fsyncTree(final Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (final Path p : all.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                fsync(p);
            }
        }
    }

    static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (final Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException ignored) {
                    // already gone
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static byte[] gzip(final byte[] plain) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static String hex(final String algorithm, final byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        signer.close();
    }
}
