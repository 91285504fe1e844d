package io.starling.broker.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Between Netty's WebSocket protocol handler and the MQTT frame decoder on {@code ws} and {@code wss} listeners:
 * the payload of each binary frame (and of its continuation frames) goes up as plain bytes, and the bytes the MQTT
 * encoder writes go out as one binary frame per write. The byte stream is all the MQTT decoder sees, so one packet
 * may span frames and one frame may hold several packets (MQTT 5.0 section 6.0, [MQTT-6.0.0-2]).
 *
 * <p>Buffer ownership: a frame's payload is the frame's only buffer, so passing the payload up hands over the
 * frame's one reference; everything not passed on is released here.
 *
 * <p>A text frame closes the connection ([MQTT-6.0.0-1]: MQTT travels in binary frames only). An HTTP request for
 * another path than the listener's WebSocket path (which the protocol handler passes on) gets 404 and is closed.
 */
final class WebSocketFrameAdapter extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameAdapter.class);

    private final String listenerName;
    private final String path;

    WebSocketFrameAdapter(String listenerName, String path) {
        this.listenerName = listenerName;
        this.path = path;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof BinaryWebSocketFrame || message instanceof ContinuationWebSocketFrame) {
            ctx.fireChannelRead(((WebSocketFrame) message).content());
        } else if (message instanceof TextWebSocketFrame) {
            ReferenceCountUtil.release(message);
            LOG.debug("Listener {}: closing the WebSocket connection from {}: text frame, MQTT needs binary frames "
                    + "[MQTT-6.0.0-1]", listenerName, ListenerAttributes.clientAddress(ctx.channel()));
            ctx.close();
        } else if (message instanceof HttpRequest request) {
            String uri = request.uri();
            ReferenceCountUtil.release(message);
            notFound(ctx, uri);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        if (message instanceof ByteBuf bytes) {
            ctx.write(new BinaryWebSocketFrame(bytes), promise);
        } else {
            ctx.write(message, promise);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
            LOG.debug("Listener {}: WebSocket connection from {} (subprotocol {})", listenerName,
                    ListenerAttributes.clientAddress(ctx.channel()), handshake.selectedSubprotocol());
        }
        ctx.fireUserEventTriggered(event);
    }

    private void notFound(ChannelHandlerContext ctx, String uri) {
        LOG.debug("Listener {}: HTTP request for {} from {}: not the WebSocket path {}", listenerName, uri,
                ListenerAttributes.clientAddress(ctx.channel()), path);
        byte[] body = ("MQTT over WebSocket is served at " + path + "\n").getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.NOT_FOUND, Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpUtil.setContentLength(response, body.length);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
