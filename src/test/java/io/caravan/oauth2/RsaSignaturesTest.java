package io.caravan.oauth2;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.util.Random;

import org.junit.jupiter.api.Test;

class RsaSignaturesTest {

    @Test
    void usesTheNativeProviderOnLinuxX86AndTheJdkWhenAskedTo() {
        // the build ships ACCP's linux-x86_64 jar; on this platform its native library must load
        if ("amd64".equals(System.getProperty("os.arch")) && System.getProperty("os.name").startsWith("Linux")) {
            assertThat(RsaSignatures.providerName()).isEqualTo("AmazonCorrettoCryptoProvider");
        }
        assertThat(RsaSignatures.choose("jdk")).isNull();
        final Provider auto = RsaSignatures.choose("auto");
        assertThat(auto == null ? "jdk" : auto.getName()).isEqualTo(
                RsaSignatures.providerName().equals("AmazonCorrettoCryptoProvider") ? "AmazonCorrettoCryptoProvider" : "jdk");
    }

    @Test
    void agreesWithTheJdkOnValidTamperedAndMisfitSignatures() throws Exception {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair key = generator.generateKeyPair();
        final KeyPair other = generator.generateKeyPair();
        final Random random = new Random(42);
        for (final String algorithm : new String[] {"SHA256withRSA", "SHA384withRSA", "SHA512withRSA"}) {
            for (int i = 0; i < 50; i++) {
                final byte[] data = new byte[random.nextInt(2000)];
                random.nextBytes(data);
                final Signature signer = Signature.getInstance(algorithm);
                signer.initSign(key.getPrivate());
                signer.update(data);
                final byte[] signature = signer.sign();

                assertThat(verify(algorithm, key, data, signature)).as("valid %s", algorithm).isTrue();
                final byte[] tampered = signature.clone();
                tampered[random.nextInt(tampered.length)] ^= (byte) (1 << random.nextInt(8));
                assertThat(verify(algorithm, key, data, tampered)).as("tampered signature").isFalse();
                if (data.length > 0) {
                    final byte[] changed = data.clone();
                    changed[random.nextInt(changed.length)] ^= 1;
                    assertThat(verify(algorithm, key, changed, signature)).as("changed data").isFalse();
                }
                assertThat(verify(algorithm, other, data, signature)).as("another key").isFalse();
            }
        }
    }

    private static boolean verify(final String algorithm, final KeyPair key, final byte[] data, final byte[] signature) throws Exception {
        final Signature check = RsaSignatures.of(algorithm);
        check.initVerify(key.getPublic());
        check.update(data);
        try {
            return check.verify(signature);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }
}
