package io.caravan.firmwarepublish;

import io.caravan.common.Problem;

/**
 * A firmware upload that is refused: HTTP status, a stable machine-readable code and a sentence
 * naming the problem. The HTTP intake answers it as problem+json; the drop folder writes it beside
 * the file in failed/.
 */
public final class FirmwareRejected extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    public FirmwareRejected(final int status, final String code, final String detail) {
        super(detail);
        this.status = status;
        this.code = code;
    }

    public FirmwareRejected(final int status, final String code, final String detail, final Throwable cause) {
        super(detail, cause);
        this.status = status;
        this.code = code;
    }

    /** 400: the bytes are not a valid Debian binary package (the detail says why). */
    public static FirmwareRejected invalid(final String code, final String detail) {
        return new FirmwareRejected(400, code, detail);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Problem toProblem() {
        final String title = switch (status) {
            case 409 -> "Version conflict";
            case 413 -> "Package too large";
            case 422 -> "Package not accepted";
            case 503 -> "Repository unavailable";
            default -> status >= 500 ? "Publishing failed" : "Invalid package";
        };
        return Problem.of(status, title, getMessage()).with("code", code);
    }
}
