package io.starling.loadtool.check;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.starling.loadtool.wire.PayloadStamp;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamCheckTest {

    private static void deliver(DeliverySink sink, int publisher, int sequence) {
        ByteBuf payload = Unpooled.buffer(PayloadStamp.SIZE).writeZero(PayloadStamp.SIZE);
        PayloadStamp.write(payload, 0, publisher, sequence, 0);
        try {
            sink.deliver(payload, "t", false, 0);
        } finally {
            payload.release();
        }
    }

    @Test
    void countsEachExpectedPublisherSeparately() {
        StreamCheck check = new StreamCheck(3, List.of(0, 2));
        deliver(check, 0, 0);
        deliver(check, 0, 1);
        deliver(check, 2, 0);
        deliver(check, 2, 2);
        deliver(check, 2, 1);

        DeliveryCounts counts = check.counts(new long[]{2, 5, 4});

        assertThat(counts.expected()).as("publisher 1 is not heard by this receiver").isEqualTo(6);
        assertThat(counts.received()).isEqualTo(5);
        assertThat(counts.lost()).as("publisher 2's message 3").isEqualTo(1);
        assertThat(counts.reordered()).isEqualTo(1);
        assertThat(counts.duplicates()).isZero();
        assertThat(counts.unexpected()).isZero();
        assertThat(counts.exact()).isFalse();
    }

    @Test
    void messageFromAPublisherNotExpectedOrUnknownIsUnexpected() {
        StreamCheck check = new StreamCheck(2, List.of(0));
        deliver(check, 1, 0);
        deliver(check, 7, 0);
        deliver(check, -1, 0);

        assertThat(check.counts(new long[]{0, 1}).unexpected()).isEqualTo(3);
    }

    @Test
    void payloadTooShortForAStampIsUnexpected() {
        StreamCheck check = new StreamCheck(1, List.of(0));
        ByteBuf shortPayload = Unpooled.wrappedBuffer(new byte[8]);
        check.deliver(shortPayload, "t", false, 0);

        assertThat(check.counts(new long[]{0}).unexpected()).isEqualTo(1);
    }

    @Test
    void messageNumberedBeyondWhatWasPublishedIsUnexpected() {
        StreamCheck check = new StreamCheck(1, List.of(0));
        deliver(check, 0, 0);
        deliver(check, 0, 1);

        DeliveryCounts counts = check.counts(new long[]{1});

        assertThat(counts.received()).isEqualTo(1);
        assertThat(counts.unexpected()).isEqualTo(1);
    }

    @Test
    void exactWhenEverythingArrivedOnce() {
        StreamCheck check = new StreamCheck(1, List.of(0));
        for (int i = 0; i < 100; i++) {
            deliver(check, 0, i);
        }

        assertThat(check.counts(new long[]{100}).exact()).isTrue();
        assertThat(check.received()).isEqualTo(100);
        assertThat(check.expected(new long[]{100})).isEqualTo(100);
    }

    @Test
    void retainedCheckCountsDistinctTopicsAndTheRetainFlag() {
        RetainedCheck check = new RetainedCheck("r/", 3);
        ByteBuf payload = Unpooled.buffer(PayloadStamp.SIZE).writeZero(PayloadStamp.SIZE);
        try {
            PayloadStamp.write(payload, 0, 0, 0, 0);
            check.deliver(payload, "r/0", true, 10);
            check.deliver(payload, "r/0", true, 11);
            check.deliver(payload, "r/1", true, 12); // the stamp says 0: not what r/1 holds
            PayloadStamp.write(payload, 0, 0, 2, 0);
            check.deliver(payload, "r/2", false, 13);
        } finally {
            payload.release();
        }

        DeliveryCounts counts = check.counts();
        assertThat(counts.received()).isEqualTo(2);
        assertThat(counts.lost()).isEqualTo(1);
        assertThat(counts.duplicates()).isEqualTo(1);
        assertThat(counts.unexpected()).isEqualTo(1);
        assertThat(check.flagMissing()).isEqualTo(1);
        assertThat(check.lastNanos()).isEqualTo(13);
    }
}
