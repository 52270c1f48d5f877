package io.caravan.wsticket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.caravan.common.RealBrokers;
import io.caravan.common.RealBrokersExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The ticket service and its Lettuce store against the real Redis of the test run (no Camel, no Spring). */
@ExtendWith(RealBrokersExtension.class)
class LettuceTicketStoreTest {

    private LettuceTicketStore store;
    private TicketService tickets;

    @BeforeEach
    void connect() {
        store = new LettuceTicketStore();
        store.setHost(RealBrokers.get().host());
        store.setPort(RealBrokers.get().redisPort());
        tickets = new TicketService(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void issuedTicketIsRedeemedOnceAndOnlyItsHashIsStored() {
        final IssuedTicket issued = tickets.issue("alice", null).toCompletableFuture().join();

        assertThat(issued.expiresAt()).isBetween(Instant.now().plusSeconds(15), Instant.now().plusSeconds(21));
        assertThat(issued.toString()).doesNotContain(issued.ticket());
        final Redemption first = tickets.redeem(issued.ticket(), "https://any.example").toCompletableFuture().join();
        final Redemption second = tickets.redeem(issued.ticket(), null).toCompletableFuture().join();

        assertThat(first.isAccepted()).isTrue();
        assertThat(first.claims().subject()).isEqualTo("alice");
        assertThat(second.outcome()).isEqualTo(Redemption.Outcome.UNKNOWN);
    }

    @Test
    void lettuceKeepsNoCommandLatencyHistograms() throws Exception {
        // this classpath has LatencyUtils (as the Spring Boot gateway's has): Lettuce would record by default
        assertThat(Class.forName("org.LatencyUtils.LatencyStats")).isNotNull();
        assertThat(store.recordsCommandLatencies()).isFalse();
    }

    @Test
    void putIfAbsentNeverOverwrites() {
        final String key = "ws-ticket:test:" + System.nanoTime();
        assertThat(store.putIfAbsent(key, "one", Duration.ofSeconds(5)).toCompletableFuture().join()).isTrue();
        assertThat(store.putIfAbsent(key, "two", Duration.ofSeconds(5)).toCompletableFuture().join()).isFalse();
        assertThat(store.getAndDelete(key).toCompletableFuture().join()).isEqualTo("one");
        assertThat(store.getAndDelete(key).toCompletableFuture().join()).isNull();
    }

    /** Hands out {@code fixed} for its first {@code times} tickets, then random bytes. */
    private static java.security.SecureRandom collidingFor(final int times, final byte fixed) {
        return new java.security.SecureRandom() {
            private int calls;

            @Override
            public synchronized void nextBytes(final byte[] bytes) {
                if (calls++ < times) {
                    java.util.Arrays.fill(bytes, fixed);
                } else {
                    super.nextBytes(bytes);
                }
            }
        };
    }

    @Test
    void aTicketWhoseKeyIsTakenIsDrawnAgainAndTheTakenKeyIsNeverOverwritten() {
        final byte fixed = (byte) (System.nanoTime() & 0x7f);
        final String taken = Tickets.newTicket(collidingFor(1, fixed));
        assertThat(store.putIfAbsent(tickets.key(taken), "taken", Duration.ofSeconds(10)).toCompletableFuture().join()).isTrue();

        final TicketService twice = new TicketService(store, java.time.Clock.systemUTC(), collidingFor(2, fixed));
        final IssuedTicket issued = twice.issue("alice", null).toCompletableFuture().join();

        assertThat(issued.ticket()).isNotEqualTo(taken); // third draw
        assertThat(store.getAndDelete(tickets.key(taken)).toCompletableFuture().join()).isEqualTo("taken");
        assertThat(twice.redeem(issued.ticket(), null).toCompletableFuture().join().isAccepted()).isTrue();

        assertThat(store.putIfAbsent(tickets.key(taken), "taken", Duration.ofSeconds(10)).toCompletableFuture().join()).isTrue();
        final TicketService always = new TicketService(store, java.time.Clock.systemUTC(), collidingFor(3, fixed));
        assertThatThrownBy(() -> always.issue("alice", null).toCompletableFuture().join())
                .hasRootCauseInstanceOf(IllegalStateException.class).hasMessageContaining("NX refused three random keys");
        assertThat(store.getAndDelete(tickets.key(taken)).toCompletableFuture().join()).isEqualTo("taken");
    }

    @Test
    void expiredTicketIsUnknown() {
        tickets.setTtlSeconds(1);
        final IssuedTicket issued = tickets.issue("alice", null).toCompletableFuture().join();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> store.getAndDelete("ws-ticket:probe").toCompletableFuture().join() == null
                        && Instant.now().isAfter(issued.expiresAt().plusMillis(100)));

        assertThat(tickets.redeem(issued.ticket(), null).toCompletableFuture().join().outcome()).isEqualTo(Redemption.Outcome.UNKNOWN);
    }

    @Test
    void originBoundTicketIsConsumedByAWrongOrigin() {
        final IssuedTicket issued = tickets.issue("alice", "https://app.example").toCompletableFuture().join();

        assertThat(tickets.redeem(issued.ticket(), "https://evil.example").toCompletableFuture().join().outcome())
                .isEqualTo(Redemption.Outcome.ORIGIN_MISMATCH);
        assertThat(tickets.redeem(issued.ticket(), "https://app.example").toCompletableFuture().join().outcome())
                .isEqualTo(Redemption.Outcome.UNKNOWN);
    }

    @Test
    void corruptValueIsRefused() {
        final String ticket = Tickets.newTicket(new java.security.SecureRandom());
        store.putIfAbsent(tickets.key(ticket), "not json", Duration.ofSeconds(5)).toCompletableFuture().join();

        assertThat(tickets.redeem(ticket, null).toCompletableFuture().join().outcome()).isEqualTo(Redemption.Outcome.CORRUPT);
    }

    @Test
    void concurrentRedemptionsOfOneTicketHaveExactlyOneWinner() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 50; round++) {
                final IssuedTicket issued = tickets.issue("alice", null).toCompletableFuture().join();
                final CountDownLatch start = new CountDownLatch(1);
                final List<CompletableFuture<Redemption>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return tickets.redeem(issued.ticket(), null).toCompletableFuture().join();
                    }, pool));
                }
                start.countDown();
                final long winners = results.stream().map(CompletableFuture::join).filter(Redemption::isAccepted).count();
                assertThat(winners).as("round %d", round).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void unreachableRedisFailsFastAndClosed() {
        final LettuceTicketStore nowhere = new LettuceTicketStore();
        nowhere.setPort(1); // loopback port 1 refuses at once
        nowhere.setTimeoutMillis(500);
        try {
            final TicketService service = new TicketService(nowhere);
            assertThatThrownBy(() -> service.issue("alice", null).toCompletableFuture().join())
                    .hasCauseInstanceOf(StoreUnavailableException.class).cause().hasMessageContaining("127.0.0.1:1");
            assertThat(service.redeem(Tickets.newTicket(new java.security.SecureRandom()), null).toCompletableFuture()
                    .join().outcome()).isEqualTo(Redemption.Outcome.STORE_UNAVAILABLE);
            assertThat(nowhere.ping()).isFalse();
            assertThat(nowhere.outage().isDown()).isTrue();
        } finally {
            nowhere.close();
        }
    }
}
