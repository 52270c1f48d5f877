import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Random;

/**
 * Baseline for VerifierBench: a bare JDK SHA256withRSA verify (2048-bit key, 700-byte input, a new
 * Signature per call as nimbus does), no JWT. Run as a source file: java RsaBaseline.java <seconds>
 */
public final class RsaBaseline {

    public static void main(final String[] args) throws Exception {
        final long seconds = Long.parseLong(args.length > 0 ? args[0] : "10");
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair pair = generator.generateKeyPair();
        final byte[] data = new byte[700];
        new Random(1).nextBytes(data);
        final Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(data);
        final byte[] signature = signer.sign();
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < 2; round++) { // round 0 is the warm-up
            final long cpu0 = mx.getCurrentThreadCpuTime();
            final long t0 = System.nanoTime();
            long n = 0;
            while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
                final Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(pair.getPublic());
                verifier.update(data);
                if (!verifier.verify(signature)) {
                    throw new IllegalStateException("signature did not verify");
                }
                n++;
            }
            final double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            final double wall = (System.nanoTime() - t0) / 1e9;
            if (round == 1) {
                System.out.printf("baseline JDK RSA-2048 verify: verifies/s(wall)=%.0f verifies per CPU-second=%.0f%n", n / wall, n / cpu);
            }
        }
    }
}
