package io.starling.cli;

import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {

    @Test
    void reasonCodesAreHexThenWords() {
        assertThat(Errors.reasonCode(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED)).isEqualTo("0x87 Not authorized");
        assertThat(Errors.reasonCode(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER))
                .isEqualTo("0x8E Session taken over");
        assertThat(Errors.reasonCode(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD))
                .isEqualTo("0x86 Bad user name or password");
    }

    @Test
    void rootCauseMessageDropsNettysDecorations() {
        IOException nativeRefusal = new IOException("wrapper",
                new ConnectException("finishConnect(..) failed with error(-111): Connection refused: /127.0.0.1:1"));

        assertThat(Errors.rootCauseMessage(nativeRefusal)).isEqualTo("Connection refused");
        assertThat(Errors.rootCauseMessage(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(Errors.rootCauseMessage(new RuntimeException("two\n  lines"))).isEqualTo("two lines");
        assertThat(Errors.withoutSystemCall("cannot listen on 127.0.0.1:1 (default): bind(..) failed with "
                + "error(-98): Address already in use")).isEqualTo("cannot listen on 127.0.0.1:1 (default): "
                + "Address already in use");
    }
}
