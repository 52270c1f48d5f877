package io.caravan.firmwarepublish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionBumpTest {

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "-, patch, 0.0.1", "-, minor, 0.1.0", "-, major, 1.0.0",
        "1.2.3, patch, 1.2.4", "1.2.3, minor, 1.3.0", "1.2.3, major, 2.0.0",
        "1.2.3-4, patch, 1.2.4", "2:1.2.3-1, minor, 2:1.3.0", "1.2, patch, 1.2.1", "7, patch, 7.0.1",
        "2024.1~rc1, patch, 2024.1.1", "1.2.3.4, patch, 1.2.4", "1.2.3+git5, patch, 1.2.4", "1.9.9, minor, 1.10.0",
        "1.0~beta2, major, 2.0.0"})
    void bumps(final String latest, final String level, final String expected) {
        final DebianVersion from = latest.equals("-") ? null : DebianVersion.parse(latest);
        final DebianVersion next = VersionBump.next(from, VersionBump.Level.parse(level));
        assertThat(next).hasToString(expected);
        if (from != null) {
            assertThat(next.compareTo(from)).isPositive();
        }
    }

    @ParameterizedTest
    @CsvSource({"''", "huge", "PATCH2"})
    void rejectsUnknownLevels(final String level) {
        assertThatThrownBy(() -> VersionBump.Level.parse(level)).isInstanceOfSatisfying(FirmwareRejected.class,
                e -> assertThat(e.code()).isEqualTo("bad-bump"));
    }

    @ParameterizedTest
    @CsvSource({"1.2.3a9, patch", "1.2.3.4, patch"})
    void refusesABumpThatWouldNotSortHigher(final String latest, final String level) {
        // 1.2.3a9 patch -> 1.2.4 sorts higher; 1.2.3.4 -> 1.2.4 too: only pathological inputs fail, checked below
        assertThat(VersionBump.next(DebianVersion.parse(latest), VersionBump.Level.parse(level)).compareTo(DebianVersion.parse(latest)))
                .isPositive();
        assertThatThrownBy(() -> VersionBump.next(DebianVersion.parse("1.2.99999999999999999999"), VersionBump.Level.PATCH))
                .isInstanceOfSatisfying(FirmwareRejected.class, e -> assertThat(e.code()).isEqualTo("cannot-bump"));
    }
}
