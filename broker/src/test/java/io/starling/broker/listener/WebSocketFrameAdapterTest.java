package io.starling.broker.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.starling.codec.packet.Connect;
import io.starling.codec.packet.PingReq;
import io.starling.codec.netty.MqttFrameDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT over WebSocket frames ([MQTT-6.0.0-1], [MQTT-6.0.0-2]): the adapter with the MQTT frame decoder after it,
 * as on a ws listener once the WebSocket handshake is done.
 */
class WebSocketFrameAdapterTest {
    /** A complete MQTT 3.1.1 CONNECT, client id "c", keep alive 60 s, clean session. */
    private static final byte[] CONNECT = {0x10, 0x0D, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C,
            0x00, 0x01, 'c'};
    private static final byte[] PINGREQ = {(byte) 0xC0, 0x00};

    private final EmbeddedChannel channel = new EmbeddedChannel(
            new WebSocketFrameAdapter("test", "/mqtt"), new MqttFrameDecoder(1024));

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void packetSpanningTwoFramesIsDecodedOnce_MQTT_6_0_0_2() {
        channel.writeInbound(new BinaryWebSocketFrame(false, 0, Unpooled.wrappedBuffer(CONNECT, 0, 5)));
        assertThat((Object) channel.readInbound()).isNull();

        channel.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(CONNECT, 5, CONNECT.length - 5)));

        assertThat((Object) channel.readInbound()).isInstanceOf(Connect.class);
    }

    @Test
    void packetSplitOverTwoBinaryMessagesIsDecodedOnce_MQTT_6_0_0_2() {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(CONNECT, 0, 9)));
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(CONNECT, 9, CONNECT.length - 9)));

        assertThat((Object) channel.readInbound()).isInstanceOf(Connect.class);
    }

    @Test
    void frameHoldingTwoPacketsGivesBoth_MQTT_6_0_0_2() {
        channel.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(CONNECT, PINGREQ)));

        assertThat((Object) channel.readInbound()).isInstanceOf(Connect.class);
        assertThat((Object) channel.readInbound()).isInstanceOf(PingReq.class);
    }

    @Test
    void outboundBytesLeaveAsOneBinaryFramePerWrite() {
        channel.writeOutbound(Unpooled.wrappedBuffer(PINGREQ));

        BinaryWebSocketFrame frame = channel.readOutbound();
        try {
            assertThat(frame.isFinalFragment()).isTrue();
            assertThat(ByteBufBytes.of(frame.content())).isEqualTo(PINGREQ);
        } finally {
            frame.release();
        }
    }

    @Test
    void textFrameClosesTheConnection_MQTT_6_0_0_1() {
        channel.writeInbound(new TextWebSocketFrame("hello"));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void httpRequestForAnotherPathGets404AndIsClosed() {
        channel.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/other"));

        FullHttpResponse response = channel.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
            assertThat(response.content().toString(StandardCharsets.US_ASCII)).contains("/mqtt");
        } finally {
            response.release();
        }
        assertThat(channel.isOpen()).isFalse();
    }

    /** Copies a buffer's readable bytes without consuming them. */
    static final class ByteBufBytes {
        static byte[] of(ByteBuf buffer) {
            byte[] bytes = new byte[buffer.readableBytes()];
            buffer.getBytes(buffer.readerIndex(), bytes);
            return bytes;
        }
    }
}
