package io.caravan.firmwarepublish;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a publish did.
 *
 * @param published   true: a new version is in the repository; false: the identical file was already there
 * @param name        Package
 * @param version     Version
 * @param architecture Architecture
 * @param sha256      of the .deb
 * @param size        bytes
 * @param poolPath    path of the .deb relative to the repository root (pool/main/...)
 * @param publishedAt when it became visible (for an unchanged result: when the snapshot holding it was made)
 * @param snapshot    the repository generation that holds it
 */
public record PublishResult(boolean published, String name, String version, String architecture, String sha256, long size,
        String poolPath, Instant publishedAt, long snapshot) {

    /** The notification body: {package, version, architecture, sha256, size, url, publishedAt}. */
    public Map<String, Object> notification(final String publicUrl) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("package", name);
        m.put("version", version);
        m.put("architecture", architecture);
        m.put("sha256", sha256);
        m.put("size", size);
        m.put("url", stripSlash(publicUrl) + "/" + poolPath);
        m.put("publishedAt", publishedAt.toString());
        return m;
    }

    static String stripSlash(final String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
