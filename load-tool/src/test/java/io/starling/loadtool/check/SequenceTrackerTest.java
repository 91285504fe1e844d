package io.starling.loadtool.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SequenceTrackerTest {

    private static SequenceTracker recording(int... sequences) {
        SequenceTracker tracker = new SequenceTracker();
        for (int sequence : sequences) {
            tracker.record(sequence);
        }
        return tracker;
    }

    @Test
    void inOrderStreamIsCompleteWithNothingElseToReport() {
        SequenceTracker tracker = recording(0, 1, 2, 3, 4);

        assertThat(tracker.received()).isEqualTo(5);
        assertThat(tracker.lost(5)).isZero();
        assertThat(tracker.duplicates()).isZero();
        assertThat(tracker.reordered()).isZero();
        assertThat(tracker.beyond(5)).isZero();
    }

    @Test
    void skippedNumbersAreLost() {
        SequenceTracker tracker = recording(0, 1, 4, 5, 9);

        assertThat(tracker.received()).isEqualTo(5);
        assertThat(tracker.lost(10)).as("2, 3, 6, 7, 8").isEqualTo(5);
        assertThat(tracker.reordered()).isZero();
    }

    @Test
    void messagesNeverReceivedAtTheEndAreLost() {
        SequenceTracker tracker = recording(0, 1, 2);

        assertThat(tracker.lost(10)).isEqualTo(7);
    }

    @Test
    void lateMessageFillsItsGapAndCountsAsReordered() {
        SequenceTracker tracker = recording(0, 2, 1, 3);

        assertThat(tracker.received()).isEqualTo(4);
        assertThat(tracker.reordered()).isEqualTo(1);
        assertThat(tracker.lost(4)).isZero();
        assertThat(tracker.duplicates()).isZero();
    }

    @Test
    void lateMessagesInsideOneGapSplitIt() {
        SequenceTracker tracker = recording(0, 10, 5, 3, 7);

        assertThat(tracker.reordered()).isEqualTo(3);
        assertThat(tracker.lost(11)).as("1, 2, 4, 6, 8, 9").isEqualTo(6);
        assertThat(tracker.record(5)).isEqualTo(SequenceTracker.Outcome.DUPLICATE);
        assertThat(tracker.record(4)).isEqualTo(SequenceTracker.Outcome.LATE);
        assertThat(tracker.lost(11)).isEqualTo(5);
    }

    @Test
    void repeatedMessagesAreDuplicatesNotReceivedTwice() {
        SequenceTracker tracker = recording(0, 1, 1, 2, 0, 2);

        assertThat(tracker.received()).isEqualTo(3);
        assertThat(tracker.duplicates()).isEqualTo(3);
        assertThat(tracker.lost(3)).isZero();
    }

    @Test
    void outcomesNameWhatHappened() {
        SequenceTracker tracker = new SequenceTracker();

        assertThat(tracker.record(0)).isEqualTo(SequenceTracker.Outcome.IN_ORDER);
        assertThat(tracker.record(2)).isEqualTo(SequenceTracker.Outcome.AHEAD);
        assertThat(tracker.record(1)).isEqualTo(SequenceTracker.Outcome.LATE);
        assertThat(tracker.record(1)).isEqualTo(SequenceTracker.Outcome.DUPLICATE);
        assertThat(tracker.record(-1)).isEqualTo(SequenceTracker.Outcome.INVALID);
        assertThat(tracker.next()).isEqualTo(3);
    }

    @Test
    void numbersAtOrAboveThePublishedCountAreBeyondNotLostNorReceived() {
        SequenceTracker tracker = recording(0, 1, 5, 6);

        assertThat(tracker.beyond(3)).as("5 and 6 were never published").isEqualTo(2);
        assertThat(tracker.lost(3)).as("2").isEqualTo(1);
    }

    @Test
    void gapAcrossThePublishedCountIsLostOnlyBelowIt() {
        SequenceTracker tracker = recording(0, 8);

        assertThat(tracker.lost(5)).as("1..4; 5..7 were never published").isEqualTo(4);
        assertThat(tracker.beyond(5)).as("8").isEqualTo(1);
    }

    @Test
    void manyDropsInOneRunAreOneGap() {
        SequenceTracker tracker = new SequenceTracker();
        tracker.record(0);
        tracker.record(1_000_000);

        assertThat(tracker.lost(1_000_001)).isEqualTo(999_999);
    }
}
