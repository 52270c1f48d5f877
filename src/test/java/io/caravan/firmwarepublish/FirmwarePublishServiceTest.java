package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import io.caravan.common.ProjectDir;
import org.junit.jupiter.api.Test;

/** The flow bean without Camel: a broken signing setup must not stop the runtime, only answer 503 until fixed. */
class FirmwarePublishServiceTest {

    private static FirmwarePublishService service(final Path base, final String gpg) {
        final FirmwarePublishService s = new FirmwarePublishService();
        s.setRepoDir(base.resolve("repo").toString());
        s.setStateDir(base.resolve("state").toString());
        s.setFailedDir(base.resolve("failed").toString());
        s.setGpgCommand(gpg);
        return s;
    }

    @Test
    void withoutGpgTheServiceStartsAndAnswers503NamingWhy() throws Exception {
        final Path base = Files.createDirectories(ProjectDir.resolve("target/fp/svc-" + UUID.randomUUID().toString().substring(0, 8)));
        final FirmwarePublishService broken = service(base, "/nonexistent/gpg");
        broken.start();
        assertThatThrownBy(broken::repository).isInstanceOfSatisfying(FirmwareRejected.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.code()).isEqualTo("repository-unavailable");
            assertThat(e.getMessage()).contains("/nonexistent/gpg");
        });
        assertThat(FirmwarePublishService.toProblem(new FirmwareRejected(503, "repository-unavailable", "x")).toJson())
                .contains("\"status\":503", "\"title\":\"Repository unavailable\"");
        broken.stop();

        final FirmwarePublishService fixed = service(base, "gpg");
        fixed.start();
        try {
            final PublishResult result = fixed.publish(Debs.build(base, "fw-svc", "1.0", "amd64", "gzip", 100));
            assertThat(result.published()).isTrue();
            assertThat(result.notification("http://h/apt/")).containsEntry("url", "http://h/apt/pool/main/f/fw-svc/fw-svc_1.0_amd64.deb")
                    .containsOnlyKeys("package", "version", "architecture", "sha256", "size", "url", "publishedAt");
        } finally {
            fixed.stop();
        }
    }

    @Test
    void unexpectedErrorsBecome500ProblemsAndRejectionsKeepTheirStatus() {
        assertThat(FirmwarePublishService.toProblem(new IllegalStateException("disk full")).toJson())
                .contains("\"status\":500", "\"code\":\"publish-failed\"", "disk full");
        assertThat(FirmwarePublishService.toProblem(new FirmwareRejected(409, "downgrade", "lower")).toJson())
                .contains("\"status\":409", "\"title\":\"Version conflict\"", "\"code\":\"downgrade\"", "\"detail\":\"lower\"");
    }
}
