package io.caravan.tsmulticast;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PsiTrackerTest {

    @Test
    void patThenPmtGiveThePcrPid() {
        final PsiTracker psi = new PsiTracker();
        psi.accept(TsFixtures.pat(0x1000), 0);
        assertThat(psi.pmtPid()).isEqualTo(0x1000);
        assertThat(psi.pcrPid()).isEqualTo(-1);
        assertThat(psi.accept(TsFixtures.pmt(0x1000, 0x101), 0)).isTrue();
        assertThat(psi.pcrPid()).isEqualTo(0x101);
    }

    @Test
    void withoutPmtTheFirstPidCarryingAPcrIsUsed() {
        final PsiTracker psi = new PsiTracker();
        psi.accept(TsFixtures.packet(0x200, true, 0), 0);
        assertThat(psi.pcrPid()).isEqualTo(-1);
        psi.accept(TsFixtures.pcrPacket(0x300, 0, 5), 0);
        assertThat(psi.pcrPid()).isEqualTo(0x300);
    }

    @Test
    void thePmtOverridesAGuess() {
        final PsiTracker psi = new PsiTracker();
        psi.accept(TsFixtures.pcrPacket(0x300, 0, 5), 0);
        psi.accept(TsFixtures.pat(0x1000), 0);
        psi.accept(TsFixtures.pmt(0x1000, 0x100), 0);
        psi.accept(TsFixtures.pcrPacket(0x300, 1, 6), 0);
        assertThat(psi.pcrPid()).isEqualTo(0x100);
    }

    @Test
    void aNewPmtOfTheNextFileChangesThePcrPid() {
        final PsiTracker psi = new PsiTracker();
        psi.accept(TsFixtures.pat(0x1000), 0);
        psi.accept(TsFixtures.pmt(0x1000, 0x100), 0);
        psi.accept(TsFixtures.pat(0x1001), 0);
        psi.accept(TsFixtures.pmt(0x1001, 0x222), 0);
        assertThat(psi.pcrPid()).isEqualTo(0x222);
    }

    @Test
    void ignoresAPmtPidPacketThatIsNotASectionStart() {
        final PsiTracker psi = new PsiTracker();
        psi.accept(TsFixtures.pat(0x1000), 0);
        psi.accept(TsFixtures.packet(0x1000, false, 1), 0);
        assertThat(psi.pcrPid()).isEqualTo(-1);
    }
}
