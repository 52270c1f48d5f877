package io.caravan.oauth2;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Signature;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where RS256/384/512 signatures are checked: Amazon Corretto Crypto Provider (ACCP, OpenSSL-derived
 * native code, a JCA provider) when its native library loads on this platform, the JDK's own provider
 * otherwise. An RSA-2048 verify costs ~22 µs of CPU in ACCP and ~55 µs in the JDK on the 2-core
 * benchmark machine (src/test/bench/oauth2/RESULTS.md), and it is most of the cost of checking a new
 * token. Only the public-key verify goes through it; nimbus still parses, selects keys and checks claims.
 * {@code -Dcaravan.oauth2.rsa-provider=jdk} keeps the JDK's provider.
 */
final class RsaSignatures {

    private static final Logger LOG = LoggerFactory.getLogger(RsaSignatures.class);
    private static final String ACCP = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    private static final Provider PROVIDER = choose(System.getProperty("caravan.oauth2.rsa-provider", "auto"));

    private RsaSignatures() {
    }

    /** A fresh verifier of {@code jcaAlgorithm} (e.g. SHA256withRSA) from the chosen provider. */
    static Signature of(final String jcaAlgorithm) throws NoSuchAlgorithmException {
        return PROVIDER == null ? Signature.getInstance(jcaAlgorithm) : Signature.getInstance(jcaAlgorithm, PROVIDER);
    }

    /** The provider's name, e.g. AmazonCorrettoCryptoProvider or SunRsaSign. */
    static String providerName() {
        try {
            return of("SHA256withRSA").getProvider().getName();
        } catch (NoSuchAlgorithmException e) {
            return "none";
        }
    }

    static Provider choose(final String setting) {
        if ("jdk".equalsIgnoreCase(setting)) {
            LOG.info("oauth2: RSA signatures checked by the JDK (caravan.oauth2.rsa-provider=jdk)");
            return null;
        }
        try {
            final Class<?> type = Class.forName(ACCP);
            final Provider accp = (Provider) type.getField("INSTANCE").get(null);
            final Object error = type.getMethod("getLoadingError").invoke(accp);
            if (error == null) {
                Signature.getInstance("SHA256withRSA", accp); // fails here, not on the first token
                LOG.info("oauth2: RSA signatures checked by {} {}", accp.getName(), accp.getVersionStr());
                return accp;
            }
            LOG.info("oauth2: RSA signatures checked by the JDK ({} did not load here: {})", accp.getName(), error);
        } catch (ClassNotFoundException e) {
            LOG.info("oauth2: RSA signatures checked by the JDK ({} is not on the classpath)", ACCP);
        } catch (ReflectiveOperationException | NoSuchAlgorithmException | LinkageError | RuntimeException e) {
            LOG.info("oauth2: RSA signatures checked by the JDK (ACCP unusable: {})", e.toString());
        }
        return null;
    }
}
