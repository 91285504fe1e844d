package io.starling.broker.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.starling.broker.metrics.BrokerMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The PROXY protocol handlers of a listener, as the initializer puts them together, on an embedded channel. */
class ProxyProtocolTest {
    /** The start of a MQTT 3.1.1 CONNECT: what follows the header must reach the MQTT decoder untouched. */
    private static final byte[] CONNECT_START = {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C};
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private final BrokerMetrics metrics = new BrokerMetrics();
    private EmbeddedChannel channel;

    @AfterEach
    void release() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void v1HeaderGivesTheClientAddressAndPassesTheRestOn() {
        channel = proxyListener();

        channel.writeInbound(bytes(ascii("PROXY TCP4 203.0.113.7 192.0.2.1 51234 1883\r\n"), CONNECT_START));

        assertThat(channel.attr(ListenerAttributes.PROXIED_CLIENT_ADDRESS).get())
                .isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
        assertThat(ListenerAttributes.clientAddress(channel)).isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
        assertPassedOn(CONNECT_START);
        assertThat(channel.pipeline().names()).doesNotContain(PipelineNames.PROXY_HEADER_CHECK,
                PipelineNames.PROXY_DECODER, PipelineNames.PROXY_HANDLER);
    }

    @Test
    void v1Ipv6Header() {
        channel = proxyListener();

        channel.writeInbound(bytes(ascii("PROXY TCP6 2001:db8::7 2001:db8::1 40000 8883\r\n"), CONNECT_START));

        assertThat(channel.attr(ListenerAttributes.PROXIED_CLIENT_ADDRESS).get())
                .isEqualTo(new InetSocketAddress("2001:db8::7", 40000));
        assertPassedOn(CONNECT_START);
    }

    @Test
    void v2HeaderGivesTheClientAddressAndPassesTheRestOn() {
        channel = proxyListener();

        channel.writeInbound(bytes(v2Tcp4(new byte[] {(byte) 198, 51, 100, 23}, 40001), CONNECT_START));

        assertThat(channel.attr(ListenerAttributes.PROXIED_CLIENT_ADDRESS).get())
                .isEqualTo(new InetSocketAddress("198.51.100.23", 40001));
        assertPassedOn(CONNECT_START);
    }

    @Test
    void headerSplitAcrossReadsIsStillDecoded() {
        channel = proxyListener();

        channel.writeInbound(Unpooled.wrappedBuffer(ascii("PROXY TCP4 203.0.1")));
        channel.writeInbound(bytes(ascii("13.8 192.0.2.1 1 2\r\n"), CONNECT_START));

        assertThat(channel.attr(ListenerAttributes.PROXIED_CLIENT_ADDRESS).get())
                .isEqualTo(new InetSocketAddress("203.0.113.8", 1));
        assertPassedOn(CONNECT_START);
    }

    @Test
    void localCommandKeepsTheSocketAddress() {
        channel = proxyListener();
        byte[] local = new byte[16];
        System.arraycopy(V2_SIGNATURE, 0, local, 0, 12);
        local[12] = 0x20; // version 2, command LOCAL
        local[13] = 0x00; // AF_UNSPEC
        channel.writeInbound(bytes(local, CONNECT_START));

        assertThat(channel.hasAttr(ListenerAttributes.PROXIED_CLIENT_ADDRESS)).isFalse();
        assertPassedOn(CONNECT_START);
    }

    @Test
    void connectionWithoutHeaderIsClosedAtOnce() {
        channel = proxyListener();

        channel.writeInbound(Unpooled.wrappedBuffer(CONNECT_START));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(metrics.proxyProtocolRefusals()).isEqualTo(1);
    }

    @Test
    void invalidHeaderIsClosedWithoutAnExceptionReachingTheEnd() {
        channel = proxyListener();

        channel.writeInbound(bytes(ascii("PROXY TCP4 not-an-address 192.0.2.1 1 2\r\n"), CONNECT_START));

        assertThat(channel.isOpen()).isFalse();
        assertThat(channel.hasAttr(ListenerAttributes.PROXIED_CLIENT_ADDRESS)).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(metrics.proxyProtocolRefusals()).isEqualTo(1);
        channel.checkException();
    }

    @Test
    void headerSentToAListenerWithoutProxyProtocolIsClosed() {
        channel = plainListener();

        channel.writeInbound(bytes(ascii("PROXY TCP4 203.0.113.7 192.0.2.1 51234 1883\r\n"), CONNECT_START));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.hasAttr(ListenerAttributes.PROXIED_CLIENT_ADDRESS)).isFalse();
    }

    @Test
    void v2HeaderSentToAListenerWithoutProxyProtocolIsClosed() {
        channel = plainListener();

        channel.writeInbound(bytes(v2Tcp4(new byte[] {10, 0, 0, 1}, 1), CONNECT_START));

        assertThat(channel.isOpen()).isFalse();
        assertThat((Object) channel.readInbound()).isNull();
    }

    @Test
    void plainMqttOnAListenerWithoutProxyProtocolPassesUntouched() {
        channel = plainListener();

        channel.writeInbound(Unpooled.wrappedBuffer(CONNECT_START));

        assertPassedOn(CONNECT_START);
        assertThat(channel.pipeline().names()).doesNotContain(PipelineNames.PROXY_HEADER_CHECK);
        assertThat(metrics.proxyProtocolRefusals()).isZero();
    }

    private EmbeddedChannel proxyListener() {
        RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(ProxyProtocolTest.class), Duration.ofSeconds(1));
        EmbeddedChannel embedded = new EmbeddedChannel();
        embedded.pipeline().addLast(PipelineNames.PROXY_HEADER_CHECK, new ProxyHeaderCheck(true, "test", metrics, log));
        embedded.pipeline().addLast(PipelineNames.PROXY_DECODER, new HAProxyMessageDecoder());
        embedded.pipeline().addLast(PipelineNames.PROXY_HANDLER, new ProxyProtocolHandler("test", metrics, log));
        return embedded;
    }

    private EmbeddedChannel plainListener() {
        RateLimitedLog log = new RateLimitedLog(LoggerFactory.getLogger(ProxyProtocolTest.class), Duration.ofSeconds(1));
        EmbeddedChannel embedded = new EmbeddedChannel();
        embedded.pipeline().addLast(PipelineNames.PROXY_HEADER_CHECK, new ProxyHeaderCheck(false, "test", metrics, log));
        return embedded;
    }

    private void assertPassedOn(byte[] expected) {
        ByteBuf passed = Unpooled.buffer();
        try {
            for (ByteBuf part = channel.readInbound(); part != null; part = channel.readInbound()) {
                passed.writeBytes(part);
                part.release();
            }
            byte[] actual = new byte[passed.readableBytes()];
            passed.readBytes(actual);
            assertThat(actual).isEqualTo(expected);
        } finally {
            passed.release();
        }
    }

    /** A v2 PROXY TCP over IPv4 header from {@code source}:{@code port} to 192.0.2.1:1883. */
    static byte[] v2Tcp4(byte[] source, int port) {
        ByteBuf header = Unpooled.buffer();
        try {
            header.writeBytes(V2_SIGNATURE);
            header.writeByte(0x21); // version 2, command PROXY
            header.writeByte(0x11); // AF_INET, STREAM
            header.writeShort(12);
            header.writeBytes(source);
            header.writeBytes(new byte[] {(byte) 192, 0, 2, 1});
            header.writeShort(port);
            header.writeShort(1883);
            byte[] result = new byte[header.readableBytes()];
            header.readBytes(result);
            return result;
        } finally {
            header.release();
        }
    }

    private static ByteBuf bytes(byte[] first, byte[] second) {
        return Unpooled.wrappedBuffer(first, second);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
