import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.caravan.mqttacl.RedisRegistry;

/**
 * Registers N bench devices (bench-0 .. bench-N-1, owned by bench-user) through the real registry
 * code and writes "id secret" lines for the load scripts.
 * Usage: java -cp <classpath> Seed.java redis://127.0.0.1:6379 1000 secrets.txt
 */
public final class Seed {
    public static void main(final String[] args) throws IOException {
        final int n = Integer.parseInt(args[1]);
        final List<String> lines = new ArrayList<>();
        try (RedisRegistry registry = new RedisRegistry(args[0], 300, 5000)) {
            registry.start();
            for (int i = 0; i < n; i++) {
                final String id = "bench-" + i;
                registry.unregister(id);
                lines.add(id + " " + registry.register(id, true, List.of("bench-user")));
            }
        }
        Files.write(Path.of(args[2]), lines);
    }
}
