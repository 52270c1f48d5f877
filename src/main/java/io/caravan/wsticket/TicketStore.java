package io.caravan.wsticket;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The shared store of tickets (Redis). Two atomic operations are all the flow needs: any replica
 * can redeem a ticket that another replica issued, and only once.
 */
public interface TicketStore {

    /**
     * {@code SET key value NX EX ttl}, without waiting: the stage completes with true when written, false when
     * the key already existed, and fails with {@link StoreUnavailableException} when the store cannot be reached.
     */
    CompletionStage<Boolean> putIfAbsent(String key, String value, Duration ttl);

    /**
     * {@code GETDEL key}: the value (then gone for everyone) or {@code null} when absent. The
     * stage fails with {@link StoreUnavailableException} when the store cannot be reached.
     */
    CompletionStage<String> getAndDelete(String key);

    /** Whether the store answers a PING right now (health). */
    boolean ping();

    /** A human description of where the store is (host:port), never a secret. */
    String describe();
}
