package io.caravan.firmwarepublish;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.common.Problem;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The flow's one bean (plain Java, configured by setters from the YAML {@code beans:} block):
 * intake of a .deb from HTTP or from the drop folder, validation, publishing into the
 * {@link AptRepository}, the notification body, problem+json answers and the read-only file
 * server of the repository.
 */
public final class FirmwarePublishService {

    /** Exchange property: the {@link PublishResult} of this exchange. */
    public static final String RESULT = "firmwarePublishResult";
    /** Exchange property: true when a new version was published (notifications follow). */
    public static final String PUBLISHED = "firmwarePublishNew";
    /** Header on the notification exchange: the package name (for logs). */
    public static final String PACKAGE_HEADER = "CaravanFirmwarePackage";
    /** Header on the notification exchange: the package name as one MQTT topic level ({@link NotificationNames#mqttLevel}). */
    public static final String TOPIC_LEVEL_HEADER = "CaravanFirmwareTopicLevel";
    /** Header on the notification exchange: the package name as one AMQP routing-key word ({@link NotificationNames#amqpWord}). */
    public static final String ROUTING_WORD_HEADER = "CaravanFirmwareRoutingWord";

    private static final Logger LOG = LoggerFactory.getLogger(FirmwarePublishService.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private String repoDir = "var/firmware-publish/repo";
    private String stateDir = "var/firmware-publish/state";
    private String failedDir = "var/firmware-publish/failed";
    private String architectures = "amd64,arm64,armhf,all";
    private long maxSizeBytes = 256L * 1024 * 1024;
    private String suite = "stable";
    private String keyName = "caravan-firmware";
    private String publicUrl = "http://127.0.0.1:8080/apt";
    private String httpPath = "/apt";
    private int keep = 5;
    private String gpgCommand = "gpg";
    private String gpgHome = "";
    private String gpgKeyId = "";
    private String gpgSecretKeyFile = "";
    private String gpgUid = "Caravan firmware (local signing key) <firmware@caravan.invalid>";
    private String zstdCommand = "zstd";
    private long maxUnpackedBytes = UnpackLimits.DEFAULTS.maxUnpackedBytes();
    private int maxTarEntries = UnpackLimits.DEFAULTS.maxTarEntries();
    private int xzMemoryKib = UnpackLimits.DEFAULTS.xzMemoryKib();

    private DebPackageInspector inspector;
    private PackageBuilder builder;
    /** Builds are serialised so two never pick the same next version. */
    private final Object buildLock = new Object();
    private AptRepository repository;
    private long nextAttempt;
    private String unavailable = "not started";

    // ------------------------------------------------------------------ lifecycle

    /**
     * Opens (recovers) the repository and makes sure a signing key exists. Called by Camel
     * (initMethod). A failure (no gpg, unwritable directory) is logged and does not stop the
     * runtime, so the other flows keep running; requests then get 503 and the next one retries.
     * Note: under Spring Boot, Camel 4.17's YAML loader binds a {@code beans:} entry twice (pre-parse
     * and configure), so a first instance is started and then replaced in the registry. It holds no
     * threads; both share the repository through its file lock and the same GnuPG home.
     */
    public synchronized void start() {
        if (repository != null || System.currentTimeMillis() < nextAttempt) {
            return;
        }
        try {
            open();
        } catch (IOException | RuntimeException e) {
            unavailable = e.getMessage();
            nextAttempt = System.currentTimeMillis() + 5000;
            LOG.error("firmware-publish: repository unavailable (retried on the next request): {}", e.getMessage(), e);
        }
    }

    private void open() throws IOException {
        final Set<String> archs = new LinkedHashSet<>(Arrays.stream(architectures.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList());
        final UnpackLimits limits = new UnpackLimits(maxUnpackedBytes, maxTarEntries, xzMemoryKib);
        inspector = new DebPackageInspector(archs, zstdCommand, limits);
        builder = new PackageBuilder("dpkg-deb", limits);
        final Path state = Path.of(stateDir).toAbsolutePath();
        Files.createDirectories(state.resolve("uploads"));
        final Path home = gpgHome.isBlank() ? state.resolve("gnupg") : Path.of(gpgHome).toAbsolutePath();
        final GpgSigner signer = new GpgSigner(home, gpgCommand, gpgKeyId, gpgUid);
        signer.ensureKey(gpgSecretKeyFile.isBlank() ? null : Path.of(gpgSecretKeyFile));
        repository = AptRepository.open(Path.of(repoDir).toAbsolutePath(), suite, archs, signer, keyName, keep, Clock.systemUTC());
        LOG.info("firmware-publish: repository {} ({} packages, key {}), architectures {}", repository.root(), repository.size(),
                signer.keyId(), archs);
    }

    /** Called by Camel (destroyMethod). */
    public synchronized void stop() {
        if (repository != null) {
            repository.close();
            repository = null;
        }
    }

    /** The open repository, or 503 naming why it is unavailable. */
    public synchronized AptRepository repository() {
        start();
        if (repository == null) {
            throw new FirmwareRejected(503, "repository-unavailable", "the firmware repository is unavailable: " + unavailable);
        }
        return repository;
    }

    // ------------------------------------------------------------------ intake

    /**
     * HTTP intake: the body is the .deb. Answers 201 with the published package, 200 when the
     * identical file was already published; throws {@link FirmwareRejected} otherwise.
     */
    public void receive(final Exchange exchange) throws IOException {
        repository();
        final Message in = exchange.getMessage();
        final Long declared = in.getHeader("Content-Length", Long.class);
        if (declared != null && declared > maxSizeBytes) {
            throw tooLarge(declared);
        }
        final InputStream body = in.getBody(InputStream.class);
        if (body == null) {
            throw FirmwareRejected.invalid("empty-body", "the request body is empty: it must be the .deb file");
        }
        final Path upload = Files.createTempFile(Path.of(stateDir).toAbsolutePath().resolve("uploads"), "upload-", ".deb");
        try {
            copyLimited(body, upload);
            final PublishResult result = publish(upload);
            answer(exchange, result);
        } finally {
            Files.deleteIfExists(upload);
        }
    }

    /** Drop-folder intake: the body is the file in incoming/ (read in place, moved by the route). */
    public void receiveFile(final Exchange exchange) throws IOException {
        repository();
        final File file = exchange.getMessage().getBody(File.class);
        final long size = Files.size(file.toPath());
        if (size > maxSizeBytes) {
            throw tooLarge(size);
        }
        final PublishResult result = publish(file.toPath());
        exchange.setProperty(RESULT, result);
        exchange.setProperty(PUBLISHED, result.published());
        LOG.info("firmware-publish: {} from the drop folder: {} {} {}", result.published() ? "published" : "already published",
                result.name(), result.version(), result.architecture());
    }

    /**
     * Build-and-bump over HTTP: the body is a package tree tar, header (query parameter)
     * {@code bump} = major|minor|patch. The next version follows the latest published one of the
     * package; builds are serialised so two builds never pick the same version.
     */
    public void receiveBuild(final Exchange exchange) throws IOException {
        repository();
        final Message in = exchange.getMessage();
        final VersionBump.Level level = VersionBump.Level.parse(in.getHeader("bump", String.class));
        final InputStream body = in.getBody(InputStream.class);
        if (body == null) {
            throw FirmwareRejected.invalid("empty-body", "the request body is empty: it must be the package tree as a tar");
        }
        final Path uploads = Path.of(stateDir).toAbsolutePath().resolve("uploads");
        final Path tar = Files.createTempFile(uploads, "tree-", ".tar");
        final Path tree = Files.createTempDirectory(uploads, "tree-");
        final Path deb = uploads.resolve(tree.getFileName() + ".deb");
        try {
            copyLimited(body, tar);
            final ControlFields template = builder.unpack(tar, tree);
            synchronized (buildLock) {
                final DebianVersion latest = repository().latest(template.get("Package")).orElse(null);
                final DebianVersion next = VersionBump.next(latest, level);
                builder.build(tree, template, next, deb);
                answer(exchange, publish(deb));
            }
        } finally {
            Files.deleteIfExists(tar);
            Files.deleteIfExists(deb);
            AptRepository.deleteTree(tree);
        }
    }

    /** Validates and publishes the .deb at {@code file}. */
    public PublishResult publish(final Path file) throws IOException {
        final AptRepository repo = repository();
        final DebPackage pkg = inspector.inspect(file);
        if (pkg.size() > maxSizeBytes) {
            throw tooLarge(pkg.size());
        }
        return repo.publish(pkg);
    }

    private FirmwareRejected tooLarge(final long size) {
        return new FirmwareRejected(413, "too-large", "package is " + size + " bytes; the limit is " + maxSizeBytes + " bytes");
    }

    private void copyLimited(final InputStream in, final Path target) throws IOException {
        try (InputStream body = in; OutputStream out = Files.newOutputStream(target)) {
            final byte[] buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = body.read(buffer)) > 0) {
                total += n;
                if (total > maxSizeBytes) {
                    throw new FirmwareRejected(413, "too-large", "package is larger than the limit of " + maxSizeBytes + " bytes");
                }
                out.write(buffer, 0, n);
            }
            if (total == 0) {
                throw FirmwareRejected.invalid("empty-body", "the request body must be the .deb file (it is empty)");
            }
        }
    }

    private void answer(final Exchange exchange, final PublishResult result) throws JsonProcessingException {
        exchange.setProperty(RESULT, result);
        exchange.setProperty(PUBLISHED, result.published());
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", result.published() ? "published" : "unchanged");
        body.putAll(result.notification(publicUrl));
        body.put("snapshot", result.snapshot());
        final Message out = exchange.getMessage();
        out.removeHeaders("*");
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, result.published() ? 201 : 200);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(JSON.writeValueAsString(body));
        LOG.info("firmware-publish: {} {} {} {} (sha256 {})", result.published() ? "published" : "already published",
                result.name(), result.version(), result.architecture(), result.sha256());
    }

    // ------------------------------------------------------------------ notifications

    /**
     * Body = notification JSON; headers {@link #PACKAGE_HEADER} = package, {@link #TOPIC_LEVEL_HEADER}
     * and {@link #ROUTING_WORD_HEADER} = the package encoded for the MQTT topic and the AMQP routing key.
     */
    public void notification(final Exchange exchange) throws JsonProcessingException {
        final PublishResult result = exchange.getProperty(RESULT, PublishResult.class);
        final Message m = exchange.getMessage();
        m.removeHeaders("*");
        m.setHeader(PACKAGE_HEADER, result.name());
        m.setHeader(TOPIC_LEVEL_HEADER, NotificationNames.mqttLevel(result.name()));
        m.setHeader(ROUTING_WORD_HEADER, NotificationNames.amqpWord(result.name()));
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        m.setBody(JSON.writeValueAsString(result.notification(publicUrl)));
    }

    // ------------------------------------------------------------------ errors

    /** The caught exception as problem+json with its status (400/409/413/422; 500 for anything unexpected). */
    public void problem(final Exchange exchange) {
        final Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        final Problem problem = toProblem(caught);
        if (problem.status() >= 500) {
            LOG.error("firmware-publish: publishing failed", caught);
        } else {
            LOG.info("firmware-publish: rejected: {}", caught.getMessage());
        }
        problem.answer(exchange.getMessage());
    }

    static Problem toProblem(final Throwable caught) {
        if (caught instanceof FirmwareRejected r) {
            return r.toProblem();
        }
        return Problem.of(500, "Publishing failed", "the package could not be published: "
                + (caught == null ? "unknown error" : caught.getClass().getSimpleName() + ": " + caught.getMessage()))
                .with("code", "publish-failed");
    }

    /**
     * Drop folder: writes {@code failed/<file>.reason.json} (the problem body) for the file that
     * the consumer is about to move to failed/.
     */
    public void writeFailureReason(final Exchange exchange) throws IOException {
        final Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        final String name = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        final Path dir = Path.of(failedDir).toAbsolutePath();
        Files.createDirectories(dir);
        final Problem problem = toProblem(caught);
        Files.writeString(dir.resolve(name + ".reason.json"), problem.toJson() + "\n", StandardCharsets.UTF_8);
        LOG.warn("firmware-publish: {} from the drop folder failed: {}", name, caught == null ? "?" : caught.getMessage());
    }

    // ------------------------------------------------------------------ read-only file server

    /**
     * Serves a file of the current snapshot for GET/HEAD {@code <httpPath>/<relative path>}: the
     * snapshot is resolved once per request, so a file is never mixed from two snapshots; dot
     * files and paths leaving the repository are 404.
     */
    public void serve(final Exchange exchange) throws IOException {
        final AptRepository repo = repository();
        final Message m = exchange.getMessage();
        String path = m.getHeader(Exchange.HTTP_PATH, String.class);
        final String uri = m.getHeader(Exchange.HTTP_URI, String.class);
        if (uri != null && uri.startsWith(httpPath)) {
            path = uri.substring(httpPath.length());
        }
        final String method = m.getHeader(Exchange.HTTP_METHOD, String.class);
        m.removeHeaders("*");
        final Path file = AptFiles.resolve(repo.currentSnapshot(), repo.root(), path == null ? "" : path);
        if (file == null) {
            Problem.of(404, "Not found", "no such file in the firmware repository: " + path).answer(m);
            return;
        }
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, AptFiles.contentType(file));
        m.setHeader("Cache-Control", AptFiles.cacheControl(file));
        m.setHeader("Content-Length", Files.size(file));
        // streamed, not loaded: a pool file may be hundreds of MB (the open file survives a snapshot prune)
        m.setBody("HEAD".equals(method) ? new byte[0] : Files.newInputStream(file));
    }

    // ------------------------------------------------------------------ configuration (setters for YAML beans)

    public void setRepoDir(final String repoDir) {
        this.repoDir = repoDir;
    }

    public void setStateDir(final String stateDir) {
        this.stateDir = stateDir;
    }

    public void setFailedDir(final String failedDir) {
        this.failedDir = failedDir;
    }

    public void setArchitectures(final String architectures) {
        this.architectures = architectures;
    }

    public void setMaxSizeBytes(final long maxSizeBytes) {
        this.maxSizeBytes = maxSizeBytes;
    }

    public void setSuite(final String suite) {
        this.suite = suite;
    }

    public void setKeyName(final String keyName) {
        this.keyName = keyName;
    }

    public void setPublicUrl(final String publicUrl) {
        this.publicUrl = publicUrl;
    }

    public void setHttpPath(final String httpPath) {
        this.httpPath = httpPath.endsWith("/") ? httpPath.substring(0, httpPath.length() - 1) : httpPath;
    }

    public void setKeep(final int keep) {
        this.keep = keep;
    }

    public void setGpgCommand(final String gpgCommand) {
        this.gpgCommand = gpgCommand;
    }

    public void setGpgHome(final String gpgHome) {
        this.gpgHome = gpgHome == null ? "" : gpgHome;
    }

    public void setGpgKeyId(final String gpgKeyId) {
        this.gpgKeyId = gpgKeyId == null ? "" : gpgKeyId;
    }

    public void setGpgSecretKeyFile(final String gpgSecretKeyFile) {
        this.gpgSecretKeyFile = gpgSecretKeyFile == null ? "" : gpgSecretKeyFile;
    }

    public void setGpgUid(final String gpgUid) {
        this.gpgUid = gpgUid;
    }

    public void setZstdCommand(final String zstdCommand) {
        this.zstdCommand = zstdCommand;
    }

    public void setMaxUnpackedBytes(final long maxUnpackedBytes) {
        this.maxUnpackedBytes = maxUnpackedBytes;
    }

    public void setMaxTarEntries(final int maxTarEntries) {
        this.maxTarEntries = maxTarEntries;
    }

    public void setXzMemoryKib(final int xzMemoryKib) {
        this.xzMemoryKib = xzMemoryKib;
    }
}
